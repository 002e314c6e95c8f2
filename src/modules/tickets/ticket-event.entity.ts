import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const TICKET_EVENT_TYPES = ['created', 'status', 'priority', 'queue', 'assignment', 'first_response', 'title', 'description', 'category'] as const;
export type TicketEventType = (typeof TICKET_EVENT_TYPES)[number];

/** One change of a ticket; rows are never updated (a trigger refuses it). */
@Entity('ticket_events')
export class TicketEventEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS', type: 'bigint' })
  id: string;

  @Column({ type: 'integer' })
  ticketId: number;

  @Column({ type: 'integer', nullable: true })
  actorId: number | null;

  @Column({ type: 'varchar', length: 30 })
  type: TicketEventType;

  @Column({ type: 'text', nullable: true })
  fromValue: string | null;

  @Column({ type: 'text', nullable: true })
  toValue: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
