import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { UserRole } from '#src/common/auth/roles.js';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  /** citext: unique regardless of letter case; stored trimmed and lower-cased. */
  @Column({ type: 'citext' })
  email: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** Null for contacts (customers known only by e-mail), who cannot log in. */
  @Column({ type: 'text', nullable: true, select: false })
  passwordHash: string | null;

  @Column({ type: 'varchar', length: 16 })
  role: UserRole;

  @Column({ type: 'boolean', default: true })
  isActive: boolean;

  /** Bumped when a user is deactivated or changes role or password: every older token stops working. */
  @Column({ type: 'integer', default: 0 })
  tokenVersion: number;

  /**
   * The one token (by jti) that survived the user's own password change despite the bump above;
   * cleared by any other bump.
   */
  @Column({ type: 'uuid', nullable: true, select: false })
  keptTokenJti: string | null;

  /** The user's preference: send them e-mail about their tickets (read by the mail module). */
  @Column({ type: 'boolean', default: true })
  notifyByEmail: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
