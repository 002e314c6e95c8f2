import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VirtualColumn } from 'typeorm';
import type { CustomFieldValues } from '#src/modules/custom-fields/domain/custom-field-values.js';
import type { BotState, TicketPriority, TicketStatus } from '#src/modules/tickets/domain/ticket-status.js';

export const TICKET_SOURCES = ['web', 'chat', 'email', 'api'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

/** Who opened a ticket in a chat without an account, as read with the ticket (see `visitorSql`). */
export interface TicketVisitorFacts {
  /** The name the visitor gave (its visitor session's). */
  name: string;
  /** The name stored for the address the visitor chatted under. */
  contact_name: string;
  /** Whether that address has a password now (see domain/ticket-access visitorVerified). */
  address_has_password: boolean;
}

/**
 * The visitor facts of ticket alias `t` as one jsonb value, null for a ticket opened otherwise (the
 * common case reads nothing more). Read by the entity and by the repository's hand-written statements.
 */
export const visitorSql = (t: string): string =>
  `CASE WHEN ${t}.visitor_session_id IS NULL THEN NULL ELSE (
     SELECT jsonb_build_object('name', vs.name, 'contact_name', u.name, 'address_has_password', u.password_hash IS NOT NULL)
       FROM visitor_sessions vs JOIN users u ON u.id = ${t}.client_id
      WHERE vs.id = ${t}.visitor_session_id) END`;

@Entity('tickets')
export class TicketEntity {
  @PrimaryGeneratedColumn('identity', { generatedIdentity: 'ALWAYS' })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text' })
  description: string;

  @Column({ type: 'varchar', length: 20, default: 'open' })
  status: TicketStatus;

  @Column({ type: 'varchar', length: 10, default: 'medium' })
  priority: TicketPriority;

  @Column({ type: 'varchar', length: 100, nullable: true })
  category: string | null;

  @Column({ type: 'integer', nullable: true })
  queueId: number | null;

  @Column({ type: 'integer' })
  clientId: number;

  @Column({ type: 'integer', nullable: true })
  agentId: number | null;

  @Column({ type: 'varchar', length: 10, default: 'web' })
  source: TicketSource;

  /** Values of the custom fields (`{key: value}`), checked against their definitions (modules/custom-fields). */
  @Column({ type: 'jsonb', default: {} })
  customFields: CustomFieldValues;

  /** The chat bot's part (see domain/ticket-status botHolds); null for tickets it never held. */
  @Column({ type: 'varchar', length: 12, nullable: true })
  botState: BotState | null;

  @Column({ type: 'timestamptz' })
  frtDeadline: Date;

  @Column({ type: 'timestamptz' })
  ttrDeadline: Date;

  @Column({ type: 'timestamptz', nullable: true })
  firstResponseAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  /** Proposed by the language model for a ticket that came without a category (issue 14). */
  @Column({ type: 'varchar', length: 100, nullable: true })
  suggestedCategory: string | null;

  @Column({ type: 'integer', nullable: true })
  suggestedQueueId: number | null;

  /** The earlier ticket this one continues (a reply by mail to a ticket closed long ago, or to a visitor's chat). */
  @Column({ type: 'integer', nullable: true })
  followsTicketId: number | null;

  /** The visitor session (a chat without an account) the ticket was opened with; only that session's token sees it as a visitor. */
  @Column({ type: 'integer', nullable: true })
  visitorSessionId: number | null;

  /** Read, never written: the visitor who opened the ticket (null when opened otherwise). */
  @VirtualColumn({ type: 'jsonb', query: (alias) => `SELECT ${visitorSql(alias)}` })
  visitor: TicketVisitorFacts | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
