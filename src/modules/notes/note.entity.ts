import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Who writes notes: agents (admins included), and later the bot and the system. Never a customer. */
export const NOTE_AUTHOR_TYPES = ['agent', 'bot', 'system'] as const;
export type NoteAuthorType = (typeof NOTE_AUTHOR_TYPES)[number];

/** An internal note on a ticket: agents only. */
@Entity('notes')
export class NoteEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ type: 'integer' })
  ticketId: number;

  /** Null for the bot and the system. */
  @Column({ type: 'integer', nullable: true })
  authorId: number | null;

  @Column({ type: 'varchar', length: 10 })
  authorType: NoteAuthorType;

  @Column({ type: 'text' })
  content: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** Equal to createdAt until the note is edited. */
  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
