import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import type { UserRole } from '#src/common/auth/roles.js';
import { conflictOnUnique } from '#src/common/database/pg-errors.js';
import { UserEntity } from '#src/modules/users/user.entity.js';
import { likeLiteral } from '#src/common/database/like.js';

export interface NewUser {
  email: string;
  name: string;
  role: UserRole;
  passwordHash: string | null;
}

export interface UserFilter {
  role?: UserRole;
  isActive?: boolean;
  q?: string;
  afterId?: number;
  limit: number;
}

/** A user row with its password hash, for login only. */
export type UserWithPassword = UserEntity & { passwordHash: string | null };

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  private repo(manager?: EntityManager): Repository<UserEntity> {
    return manager ? manager.getRepository(UserEntity) : this.users;
  }

  /** Inserts a user; a taken e-mail (in any letter case) is a CONFLICT. */
  async insert(user: NewUser, manager?: EntityManager): Promise<UserEntity> {
    try {
      return await this.repo(manager).save(this.repo(manager).create(user));
    } catch (error) {
      throw conflictOnUnique(error, 'A user with this e-mail already exists', [{ field: 'email' }]);
    }
  }

  findById(id: number, manager?: EntityManager): Promise<UserEntity | null> {
    return this.repo(manager).findOneBy({ id });
  }

  /**
   * The user with this address, created as a contact (no password) when unknown: one round trip in
   * the common cases. (A contact inserted by a concurrent transaction is invisible to this
   * statement's snapshot; the second read then finds it.)
   */
  async findOrCreateContact(email: string, name: string, manager?: EntityManager): Promise<UserEntity> {
    const repo = this.repo(manager);
    const columns = `id, email, name, role, is_active AS "isActive", token_version AS "tokenVersion", notify_by_email AS "notifyByEmail",
                     last_login_at AS "lastLoginAt", created_at AS "createdAt", updated_at AS "updatedAt"`;
    const rows = (await repo.query(
      `WITH created AS (
         INSERT INTO users (email, name, role) VALUES (lower(btrim($1)), $2, 'client') ON CONFLICT DO NOTHING RETURNING *
       )
       SELECT ${columns} FROM created UNION ALL SELECT ${columns} FROM users WHERE email = lower(btrim($1)) LIMIT 1`,
      [email, name],
    )) as Partial<UserEntity>[];
    return rows[0] ? repo.create(rows[0]) : (await repo.findOneBy({ email: email.trim().toLowerCase() }))!;
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email });
  }

  findByEmailWithPassword(email: string): Promise<UserWithPassword | null> {
    return this.withPassword().where('u.email = :email', { email }).getOne() as Promise<UserWithPassword | null>;
  }

  findByIdWithPassword(id: number): Promise<UserWithPassword | null> {
    return this.withPassword().where('u.id = :id', { id }).getOne() as Promise<UserWithPassword | null>;
  }

  private withPassword() {
    return this.users.createQueryBuilder('u').addSelect('u.passwordHash');
  }

  /**
   * A user's own password change, in one statement: the new hash, and every token ended except
   * `token` (kept despite the bumped version). Applies only while the password is still `oldHash`
   * and `token` still valid (the user active, its version current or it the kept one), so a change
   * racing a deactivation, a role change or another password change cannot revive a token. False
   * when it did not apply.
   */
  async changeOwnPassword(id: number, oldHash: string, newHash: string, token: { jti: string; version: number }): Promise<boolean> {
    const [, affected] = (await this.users.query(
      `UPDATE users SET password_hash = $3, token_version = token_version + 1, kept_token_jti = $4, updated_at = now()
        WHERE id = $1 AND password_hash = $2 AND is_active AND (token_version = $5 OR kept_token_jti = $4)`,
      [id, oldHash, newHash, token.jti, token.version],
    )) as [unknown, number];
    return affected === 1;
  }

  /** Id order, keyset from `afterId`; returns up to `limit + 1` rows so the caller knows if more follow. */
  list(filter: UserFilter): Promise<UserEntity[]> {
    const query = this.users.createQueryBuilder('u').orderBy('u.id', 'ASC').limit(filter.limit + 1);
    if (filter.role) query.andWhere('u.role = :role', { role: filter.role });
    if (filter.isActive !== undefined) query.andWhere('u.isActive = :isActive', { isActive: filter.isActive });
    if (filter.q) {
      const like = `%${likeLiteral(filter.q)}%`;
      query.andWhere('(u.email ILIKE :like OR u.name ILIKE :like)', { like });
    }
    if (filter.afterId !== undefined) query.andWhere('u.id > :afterId', { afterId: filter.afterId });
    return query.getMany();
  }

  async update(
    id: number,
    changes: Partial<Pick<UserEntity, 'name' | 'role' | 'isActive' | 'passwordHash' | 'notifyByEmail'>> & { bumpTokenVersion?: boolean },
    manager?: EntityManager,
  ): Promise<void> {
    const { bumpTokenVersion, ...values } = changes;
    const query = this.repo(manager).createQueryBuilder().update().where('id = :id', { id });
    // Ending every token ends the one a password change kept too.
    query.set({ ...values, ...(bumpTokenVersion ? { tokenVersion: () => 'token_version + 1', keptTokenJti: null } : {}) });
    await query.execute();
  }

  touchLastLogin(id: number, now: Date): Promise<unknown> {
    return this.users.update({ id }, { lastLoginAt: now });
  }

  /** Locks the active admins, so two requests cannot both remove the last one. */
  async countActiveAdminsForUpdate(manager: EntityManager): Promise<number> {
    const rows: unknown[] = await manager.query(
      `SELECT id FROM users WHERE role = 'admin' AND is_active FOR UPDATE`,
    );
    return rows.length;
  }

  async anyAdminExists(manager?: EntityManager): Promise<boolean> {
    return this.repo(manager).exists({ where: { role: 'admin' } });
  }
}
