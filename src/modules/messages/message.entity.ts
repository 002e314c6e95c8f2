import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const AUTHOR_TYPES = ['client', 'agent', 'bot', 'system'] as const;
export type AuthorType = (typeof AUTHOR_TYPES)[number];

/** A customer-visible message of a ticket's thread. */
@Entity('messages')
export class MessageEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ type: 'integer' })
  ticketId: number;

  /** Null for the bot, the system and e-mail senders without an account. */
  @Column({ type: 'integer', nullable: true })
  authorId: number | null;

  @Column({ type: 'varchar', length: 10 })
  authorType: AuthorType;

  @Column({ type: 'boolean' })
  isFromAgent: boolean;

  @Column({ type: 'text' })
  content: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  clientMsgId: string | null;

  /** The visitor session (a chat without an account) the message was written with: its author is named as the visitor gave. */
  @Column({ type: 'integer', nullable: true })
  visitorSessionId: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
