import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('queues')
export class QueueEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ type: 'citext' })
  name: string;

  @Column({ type: 'text', default: '' })
  description: string;

  /** Set on the seeded queues (domain/system-queues.ts): how code finds them, whatever their name. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  systemKey: string | null;

  /** The chat bot takes this queue's new live chats first (when BOT_ENABLED). */
  @Column({ type: 'boolean', default: true })
  botEnabled: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
