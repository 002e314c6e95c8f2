import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A token ended by logout before it expired; rows are useless after `expiresAt`. */
@Entity('revoked_tokens')
export class RevokedTokenEntity {
  @PrimaryColumn({ type: 'uuid' })
  jti: string;

  @Column({ type: 'integer' })
  userId: number;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;
}
