import argon2 from 'argon2';
import type { DataSource } from 'typeorm';
import type { UserRole } from '#src/common/auth/roles.js';
import { TokensService } from '#src/modules/auth/tokens.service.js';
import { UserEntity } from '#src/modules/users/user.entity.js';
import type { TestApp } from '../utils/create-test-app.js';

export const DEFAULT_PASSWORD = 'correct-horse-42';
let passwordHash: Promise<string> | undefined;
let sequence = 0;

export interface UserOverrides {
  email?: string;
  name?: string;
  role?: UserRole;
  isActive?: boolean;
  password?: string | null;
}

/** Inserts a user straight into the database (hashing once per process for speed). */
export async function createUser(db: DataSource, overrides: UserOverrides = {}): Promise<UserEntity> {
  sequence += 1;
  const role = overrides.role ?? 'client';
  passwordHash ??= argon2.hash(DEFAULT_PASSWORD, { type: argon2.argon2id });
  const hash =
    overrides.password === null
      ? null
      : overrides.password === undefined
        ? await passwordHash
        : await argon2.hash(overrides.password, { type: argon2.argon2id });
  const repo = db.getRepository(UserEntity);
  return repo.save(
    repo.create({
      email: overrides.email ?? `${role}${sequence}-${Math.random().toString(36).slice(2, 8)}@example.test`,
      name: overrides.name ?? `Test ${role} ${sequence}`,
      role,
      isActive: overrides.isActive ?? true,
      passwordHash: hash,
    }),
  );
}

export interface SignedInUser {
  user: UserEntity;
  token: string;
  auth: { Authorization: string };
}

/** A user of the given role with a valid access token minted by the app itself. */
export async function signedIn(t: TestApp, overrides: UserOverrides = {}): Promise<SignedInUser> {
  const user = await createUser(t.db, overrides);
  const { access_token } = await t.app.get(TokensService).issue(user);
  return { user, token: access_token, auth: { Authorization: `Bearer ${access_token}` } };
}
