import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { pgTimestampToIso, pgTimestampToIsoOrNull } from '#src/common/database/timestamps.js';
import { PageMetaDto, PaginationQueryDto, WholeListDto } from '#src/common/pagination/pagination.js';
import { IsEnumValue } from '#src/common/validation/enum-value.js';
import { IdList } from '#src/common/validation/id-list.js';
import { MAX_INT4 } from '#src/common/validation/limits.js';
import { MinTrimmedLength } from '#src/common/validation/text.js';
import { NormalizeEmail, QueryInt, Trim } from '#src/common/validation/transforms.js';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import {
  botHolds,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  type TicketPriority,
  type TicketStatus,
} from '#src/modules/tickets/domain/ticket-status.js';
import type { SlaState } from '#src/modules/sla/domain/sla-clock.js';
import { TICKET_EVENT_TYPES, type TicketEventEntity, type TicketEventType } from '#src/modules/tickets/ticket-event.entity.js';
import { TICKET_SOURCES, type TicketEntity, type TicketSource, type TicketVisitorFacts } from '#src/modules/tickets/ticket.entity.js';
import { visitorVerified } from '#src/modules/tickets/domain/ticket-access.js';
import type { TicketRecord } from '#src/modules/tickets/tickets.repository.js';
import { CsatStatsDto } from '#src/modules/ratings/dto/csat.dto.js';
import type { CustomFieldValues } from '#src/modules/custom-fields/domain/custom-field-values.js';

/** Typed tickets (REST, Socket.IO, the plain WebSocket): the described system's text rules. A ticket made from an e-mail keeps whatever the mail had. */
export const TITLE_MIN = 3;
export const TITLE_MAX = 200;
export const DESCRIPTION_MIN = 10;
export const DESCRIPTION_MAX = 20_000;

/** A ticket's title as people type it: trimmed, 3 to 200 characters. */
const TypedTitle = () => applyDecorators(Trim(), IsString(), MinLength(TITLE_MIN), MaxLength(TITLE_MAX));

/** A ticket's description as people type it: at least 10 characters besides spaces at the ends, kept as sent. */
const TypedDescription = () => applyDecorators(IsString(), MinTrimmedLength(DESCRIPTION_MIN), MaxLength(DESCRIPTION_MAX));

/** Deepest offset `?skip=` reaches: past it, page with the cursor. */
export const SKIP_MAX = 10_000;

const SearchText = () => applyDecorators(Trim(), IsString(), IsNotEmpty(), MaxLength(200));

const ANY_CASE = 'Accepted in any case (`HIGH`, `High`), returned in lower case.';
export const CATEGORY_MAX = 100;

const CUSTOM_FIELDS_DOC = {
  type: 'object' as const,
  additionalProperties: { oneOf: [{ type: 'string' as const }, { type: 'number' as const }, { type: 'boolean' as const }] },
  example: { order_no: 'A-100', vip: true },
  description:
    'Values of the custom fields (GET /api/v1/custom-fields) by key: text and select as strings, number as a number, date as YYYY-MM-DD, checkbox as true/false. An unknown key or a wrong type: 422 naming `custom_fields.<key>`. Customers never see, set or filter by agent-only fields (to them such a key is unknown).',
};

/** A positive integer id in a JSON body (strings are refused, not converted). */
const BodyId = () => applyDecorators(IsInt(), Min(1), Max(MAX_INT4));

/** A positive integer id in a query string (decimal digits only). */
const QueryId = () => applyDecorators(QueryInt(), IsInt(), Min(1), Max(MAX_INT4));

export class SlaClockDto {
  @ApiProperty({ format: 'date-time' }) deadline: string;
  @ApiProperty({ enum: ['pending', 'warning', 'breached', 'met', 'paused'] }) state: SlaState;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the target was reached' }) met_at: string | null;
}

export class TicketSlaDto {
  @ApiProperty({
    type: SlaClockDto,
    description:
      'First response: runs until the first public agent reply (`met_at` = `first_response_at`), or until the ticket is resolved or closed before one (`met_at` = `resolved_at`). A status change or an assignment alone does not stop it',
  })
  frt: SlaClockDto;
  @ApiProperty({ type: SlaClockDto, description: 'Resolution' }) ttr: SlaClockDto;
}

/** Who opened a ticket in a chat without an account (POST /auth/visitor), for agents. */
export class TicketVisitorDto {
  @ApiProperty({ example: 'Bob', description: 'The name the visitor gave when starting the chat (its messages carry it as `author_name`)' })
  name: string;
  @ApiProperty({ example: 'Anna Real', description: 'The name stored for the e-mail address the visitor chatted under; when it differs from `name`, the address may be someone else’s' })
  contact_name: string;
  @ApiProperty({
    description:
      'false until the address is proven: anyone may type a contact’s address into the widget, so do not disclose the account’s details. true once the address has a password (the mailed claim link, which only its owner receives; a normal login then reads the ticket)',
  })
  verified: boolean;
}

export class TicketResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'Cannot log in' }) title: string;
  @ApiProperty({ example: 'The login page says my password is wrong.' }) description: string;
  @ApiProperty({ enum: TICKET_STATUSES }) status: TicketStatus;
  @ApiProperty({ enum: TICKET_PRIORITIES }) priority: TicketPriority;
  @ApiProperty({ type: String, nullable: true, example: 'login' }) category: string | null;
  @ApiProperty({ type: Number, nullable: true }) queue_id: number | null;
  @ApiProperty() client_id: number;
  @ApiProperty({ type: Number, nullable: true }) agent_id: number | null;
  @ApiProperty({ enum: TICKET_SOURCES }) source: TicketSource;
  @ApiProperty({ description: 'The chat bot holds this live chat (automatic assignment waits for its hand-off; an agent may take it over at any time)' })
  bot_active: boolean;
  @ApiProperty({ format: 'date-time', description: 'First response due' }) frt_deadline: string;
  @ApiProperty({ format: 'date-time', description: 'Resolution due' }) ttr_deadline: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) first_response_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolved_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closed_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ type: TicketSlaDto, description: 'Deadline, state and met time of first response and resolution' }) sla: TicketSlaDto;
  @ApiProperty({ type: String, nullable: true, description: 'The category a language model suggests for a ticket that came without one (agents only; null for customers)' })
  suggested_category: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The queue a language model suggests (agents only; null for customers)' })
  suggested_queue_id: number | null;
  @ApiProperty(CUSTOM_FIELDS_DOC) custom_fields: CustomFieldValues;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The earlier ticket this one continues: a mail reply to a ticket closed more than 7 days ago, or to a chat without an account, opens a new ticket linked to it',
  })
  follows_ticket_id: number | null;
  @ApiProperty({
    type: TicketVisitorDto,
    nullable: true,
    description: 'Set when the ticket was opened in a chat without an account: the name given and whether the e-mail address is proven (agents only; null for customers and for tickets opened otherwise)',
  })
  visitor: TicketVisitorDto | null;
}

/** Gives a ticket response its `sla` block (SlaService.view): states depend on the moment and the policy. */
export type SlaViewer = (ticket: Omit<TicketResponseDto, 'sla'>) => TicketSlaDto;

export class TicketPageDto extends PageMetaDto {
  @ApiProperty({ type: [TicketResponseDto] }) items: TicketResponseDto[];
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

function toVisitor(facts: TicketVisitorFacts | null | undefined): TicketVisitorDto | null {
  if (!facts) return null;
  return { name: facts.name, contact_name: facts.contact_name, verified: visitorVerified({ addressHasPassword: facts.address_has_password }) };
}

export function toTicketResponse(ticket: TicketEntity, sla: SlaViewer): TicketResponseDto {
  const response: Omit<TicketResponseDto, 'sla'> = {
    id: ticket.id,
    title: ticket.title,
    description: ticket.description,
    status: ticket.status,
    priority: ticket.priority,
    category: ticket.category,
    queue_id: ticket.queueId,
    client_id: ticket.clientId,
    agent_id: ticket.agentId,
    source: ticket.source,
    bot_active: botHolds(ticket),
    frt_deadline: ticket.frtDeadline.toISOString(),
    ttr_deadline: ticket.ttrDeadline.toISOString(),
    first_response_at: iso(ticket.firstResponseAt),
    resolved_at: iso(ticket.resolvedAt),
    closed_at: iso(ticket.closedAt),
    created_at: ticket.createdAt.toISOString(),
    updated_at: ticket.updatedAt.toISOString(),
    suggested_category: ticket.suggestedCategory,
    suggested_queue_id: ticket.suggestedQueueId,
    custom_fields: ticket.customFields,
    follows_ticket_id: ticket.followsTicketId,
    visitor: toVisitor(ticket.visitor),
  };
  return { ...response, sla: sla(response) };
}

/**
 * A ticket as its customer may see it: without the language model's suggestions, nor the visitor
 * block (whether its address is proven and the name stored for it are for agents), and with the
 * custom-field values `visibleFields` keeps (CustomFieldsService.viewOf: no agent-only ones).
 */
export function forCustomer(ticket: TicketResponseDto, visibleFields: (values: CustomFieldValues) => CustomFieldValues): TicketResponseDto {
  const customFields = visibleFields(ticket.custom_fields);
  if (ticket.suggested_category === null && ticket.suggested_queue_id === null && ticket.visitor === null && customFields === ticket.custom_fields) return ticket;
  return { ...ticket, suggested_category: null, suggested_queue_id: null, visitor: null, custom_fields: customFields };
}

/** The same answer from a hot-path record, whose times are still PostgreSQL's text. */
export function toTicketResponseFromRecord(r: TicketRecord, sla: SlaViewer): TicketResponseDto {
  const response: Omit<TicketResponseDto, 'sla'> = {
    id: r.id,
    title: r.title,
    description: r.description,
    status: r.status,
    priority: r.priority,
    category: r.category,
    queue_id: r.queue_id,
    client_id: r.client_id,
    agent_id: r.agent_id,
    source: r.source,
    bot_active: botHolds({ botState: r.bot_state, agentId: r.agent_id, firstResponseAt: r.first_response_at }),
    frt_deadline: pgTimestampToIso(r.frt_deadline),
    ttr_deadline: pgTimestampToIso(r.ttr_deadline),
    first_response_at: pgTimestampToIsoOrNull(r.first_response_at),
    resolved_at: pgTimestampToIsoOrNull(r.resolved_at),
    closed_at: pgTimestampToIsoOrNull(r.closed_at),
    created_at: pgTimestampToIso(r.created_at),
    updated_at: pgTimestampToIso(r.updated_at),
    suggested_category: r.suggested_category,
    suggested_queue_id: r.suggested_queue_id,
    custom_fields: r.custom_fields,
    follows_ticket_id: r.follows_ticket_id,
    visitor: toVisitor(r.visitor),
  };
  return { ...response, sla: sla(response) };
}

export class CreateTicketDto {
  @ApiProperty({ minLength: TITLE_MIN, maxLength: TITLE_MAX, example: 'Cannot log in', description: 'Trimmed; 3 to 200 characters' })
  @TypedTitle()
  title: string;

  @ApiProperty({ minLength: DESCRIPTION_MIN, maxLength: DESCRIPTION_MAX, example: 'The login page says my password is wrong.', description: 'At least 10 characters' })
  @TypedDescription()
  description: string;

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, default: 'medium', description: ANY_CASE })
  @OptionalNotNull()
  @IsEnumValue(TICKET_PRIORITIES)
  priority?: TicketPriority;

  @ApiPropertyOptional({ maxLength: CATEGORY_MAX, example: 'login' })
  @OptionalNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(CATEGORY_MAX)
  category?: string;

  @ApiPropertyOptional({ description: 'Default: the "General questions" queue' })
  @OptionalNotNull()
  @BodyId()
  queue_id?: number;

  @ApiPropertyOptional({ description: 'Agents only: open the ticket for this customer (an unknown address becomes a contact)' })
  @OptionalNotNull()
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  client_email?: string;

  @ApiPropertyOptional({
    description:
      'Set by the server; accepted only when it agrees (else 422 naming it): the caller itself, or for an agent with `client_email`, that customer. An agent without `client_email` opens the ticket for itself.',
  })
  @OptionalNotNull()
  @BodyId()
  client_id?: number;

  @ApiPropertyOptional({ enum: ['open'], description: `Set by the server: a new ticket is open. Accepted only as \`open\` (else 422). ${ANY_CASE}` })
  @OptionalNotNull()
  @IsEnumValue(TICKET_STATUSES)
  status?: TicketStatus;

  @ApiPropertyOptional({ ...CUSTOM_FIELDS_DOC, description: `${CUSTOM_FIELDS_DOC.description} Every required field needs a value here.` })
  @IsOptional()
  custom_fields?: unknown;
}

export class UpdateTicketDto {
  @ApiPropertyOptional({ minLength: TITLE_MIN, maxLength: TITLE_MAX, description: 'Trimmed; 3 to 200 characters' })
  @OptionalNotNull()
  @TypedTitle()
  title?: string;

  @ApiPropertyOptional({ minLength: DESCRIPTION_MIN, maxLength: DESCRIPTION_MAX, description: 'At least 10 characters' })
  @OptionalNotNull()
  @TypedDescription()
  description?: string;

  @ApiPropertyOptional({ enum: TICKET_STATUSES, description: `Moves only along allowed transitions (else 409); a client may only close. ${ANY_CASE}` })
  @OptionalNotNull()
  @IsEnumValue(TICKET_STATUSES)
  status?: TicketStatus;

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, description: `Agents only. ${ANY_CASE}` })
  @OptionalNotNull()
  @IsEnumValue(TICKET_PRIORITIES)
  priority?: TicketPriority;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Agents only; null clears it' })
  @IsOptional()
  @Trim()
  @ValidateIf((_, value) => value !== null)
  @IsString()
  @IsNotEmpty()
  @MaxLength(CATEGORY_MAX)
  category?: string | null;

  @ApiPropertyOptional({ description: 'Agents only' })
  @OptionalNotNull()
  @BodyId()
  queue_id?: number;

  @ApiPropertyOptional({ ...CUSTOM_FIELDS_DOC, description: `Agents only. ${CUSTOM_FIELDS_DOC.description} Keys left out keep their value; null clears one (not a required one).` })
  @IsOptional()
  custom_fields?: unknown;

  @ApiPropertyOptional({
    description:
      "Set by the server and never changed: accepted (from a client too) only when it is the ticket's own `client_id`, so a ticket read back can be sent as it is; else 422 naming it",
  })
  @OptionalNotNull()
  @BodyId()
  client_id?: number;
}

export class AssignTicketDto {
  @ApiProperty({ type: Number, nullable: true, description: 'An active agent or admin; null unassigns' })
  @ValidateIf((_, value) => value !== null)
  @BodyId()
  agent_id: number | null;
}

export const BULK_MAX = 100;

export class BulkUpdateTicketsDto {
  @ApiProperty({ type: [Number], minItems: 1, maxItems: BULK_MAX })
  @IdList(BULK_MAX)
  ticket_ids: number[];

  @ApiPropertyOptional({ enum: TICKET_STATUSES, description: ANY_CASE })
  @OptionalNotNull()
  @IsEnumValue(TICKET_STATUSES)
  status?: TicketStatus;

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, description: ANY_CASE })
  @OptionalNotNull()
  @IsEnumValue(TICKET_PRIORITIES)
  priority?: TicketPriority;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'null unassigns' })
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @BodyId()
  agent_id?: number | null;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @BodyId()
  queue_id?: number;

  @ApiPropertyOptional({
    description: "Set by the server and never changed: accepted only when it is the `client_id` of every ticket named (else 422 naming it, and nothing changes). Not a change",
  })
  @OptionalNotNull()
  @BodyId()
  client_id?: number;
}

export class BulkUpdateResultDto extends WholeListDto {
  @ApiProperty({ type: [TicketResponseDto], description: 'Every ticket named, as it now stands' }) items: TicketResponseDto[];
}

export class ListTicketsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: TICKET_STATUSES, description: ANY_CASE })
  @OptionalNotNull()
  @IsEnumValue(TICKET_STATUSES)
  status?: TicketStatus;

  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, description: ANY_CASE })
  @OptionalNotNull()
  @IsEnumValue(TICKET_PRIORITIES)
  priority?: TicketPriority;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @QueryId()
  queue_id?: number;

  @ApiPropertyOptional({ description: 'The assigned agent' })
  @OptionalNotNull()
  @QueryId()
  agent_id?: number;

  @ApiPropertyOptional({ description: 'Another name for `agent_id` (both with different values: 422)' })
  @OptionalNotNull()
  @QueryId()
  assigned_to?: number;

  @ApiPropertyOptional({ description: 'Agents only; a client always sees its own tickets' })
  @OptionalNotNull()
  @QueryId()
  client_id?: number;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(CATEGORY_MAX)
  category?: string;

  @ApiPropertyOptional({
    enum: ['breached', 'warning'],
    description: 'Tickets with a running SLA clock past its deadline, or inside the warning window (SLA_WARNING_MINUTES)',
  })
  @OptionalNotNull()
  @IsEnumValue(['breached', 'warning'] as const)
  sla_state?: 'breached' | 'warning';

  @ApiPropertyOptional({
    name: 'custom_fields.<key>',
    type: String,
    description:
      'Tickets whose custom field `<key>` holds this value, e.g. `?custom_fields.order_no=A-100&custom_fields.vip=true`; the value is read by the field\'s type (a number, YYYY-MM-DD, true/false, one of a select\'s options). An unknown key or a bad value: 422 naming `custom_fields.<key>`; an agent-only field is unknown to customers.',
  })
  @IsOptional()
  @IsObject({ message: 'filter by custom fields as custom_fields.<key>=value' })
  custom_fields?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Words found in the title or description' })
  @OptionalNotNull()
  @SearchText()
  q?: string;

  @ApiPropertyOptional({ description: 'Another name for `q` (both with different values: 422)' })
  @OptionalNotNull()
  @SearchText()
  search?: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: SKIP_MAX,
    description:
      'Offset paging for clients that need it: skip this many tickets first. `cursor` (keyset) is the recommended way: it is stable under concurrent inserts and as fast on the last page as on the first. Not with `cursor` (422).',
  })
  @OptionalNotNull()
  @QueryInt()
  @IsInt()
  @Min(0)
  @Max(SKIP_MAX)
  skip?: number;
}

export class TicketStatsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Start of the window for the medians (default: 30 days ago)' })
  @OptionalNotNull()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End of the window (default: now)' })
  @OptionalNotNull()
  @IsISO8601({ strict: true })
  to?: string;
}

export class CountByQueueDto {
  @ApiProperty({ type: Number, nullable: true }) queue_id: number | null;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty() count: number;
}

/** Swagger: an object with one integer count per key. */
const countsBy = (keys: readonly string[]) => ({
  type: 'object' as const,
  properties: Object.fromEntries(keys.map((key) => [key, { type: 'integer' as const }])),
  required: [...keys],
});

export class SlaOutcomesDto {
  @ApiProperty({ description: 'FRT clocks stopped in time: a public agent reply (or resolving before one) by the deadline' }) frt_met: number;
  @ApiProperty({ description: 'FRT clocks stopped late, or still running (no public agent reply, in any active status) past the deadline' }) frt_breached: number;
  @ApiProperty({ type: Number, nullable: true, description: 'frt_met / (frt_met + frt_breached); null with neither' }) frt_met_rate: number | null;
  @ApiProperty({ description: 'Resolutions in time' }) ttr_met: number;
  @ApiProperty({ description: 'Resolutions late, or none yet past the deadline' }) ttr_breached: number;
  @ApiProperty({ type: Number, nullable: true }) ttr_met_rate: number | null;
}

export class SlaOutcomesByQueueDto extends SlaOutcomesDto {
  @ApiProperty({ type: Number, nullable: true }) queue_id: number | null;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
}

export class SlaOutcomesByAgentDto extends SlaOutcomesDto {
  @ApiProperty({ type: Number, nullable: true, description: 'null: unassigned tickets' }) agent_id: number | null;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
}

export class SlaStatsDto {
  @ApiProperty({ type: SlaOutcomesDto, description: 'All tickets created in the window' }) overall: SlaOutcomesDto;
  @ApiProperty({ type: [SlaOutcomesByQueueDto] }) by_queue: SlaOutcomesByQueueDto[];
  @ApiProperty({ type: [SlaOutcomesByAgentDto] }) by_agent: SlaOutcomesByAgentDto[];
}

export class TicketStatsDto {
  @ApiProperty({ format: 'date-time' }) from: string;
  @ApiProperty({ format: 'date-time' }) to: string;
  @ApiProperty({
    ...countsBy(TICKET_STATUSES),
    description: 'All tickets by status',
    example: { open: 3, in_progress: 1, waiting_customer: 0, resolved: 2, closed: 5 },
  })
  by_status: Record<TicketStatus, number>;
  @ApiProperty({ ...countsBy(TICKET_PRIORITIES), description: 'Active tickets by priority', example: { low: 0, medium: 3, high: 1, urgent: 0 } })
  by_priority: Record<TicketPriority, number>;
  @ApiProperty({ type: [CountByQueueDto], description: 'Active tickets by queue: every queue, 0 for an empty one, then a row with queue_id null for tickets without a queue when there are any' })
  by_queue: CountByQueueDto[];
  @ApiProperty({ description: 'Active tickets past their first-response deadline without a response' }) frt_breached: number;
  @ApiProperty({ description: 'Active tickets past their resolution deadline' }) ttr_breached: number;
  @ApiProperty({ description: 'Tickets created in the window whose FRT clock stopped after the deadline (the first public agent reply, or resolving before one)' })
  frt_breached_in_window: number;
  @ApiProperty({ description: 'Tickets created in the window resolved after the deadline' }) ttr_breached_in_window: number;
  @ApiProperty({ type: SlaStatsDto, description: 'SLA met / breached counts and rates of the tickets created in the window' }) sla: SlaStatsDto;
  @ApiProperty({ type: Number, nullable: true, description: 'Median seconds to the first public agent reply (`first_response_at`), tickets created in the window that have one' })
  median_first_response_seconds: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Median seconds to resolution, tickets created in the window' })
  median_resolution_seconds: number | null;
  @ApiProperty({ type: CsatStatsDto, description: 'Satisfaction ratings of the resolutions made in the window: average score, responses, resolutions, response rate; by agent and queue' })
  csat: CsatStatsDto;
}

export class TicketEventResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() ticket_id: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Null for automatic changes' }) actor_id: number | null;
  @ApiProperty({ enum: TICKET_EVENT_TYPES }) type: TicketEventType;
  @ApiProperty({ type: String, nullable: true }) from: string | null;
  @ApiProperty({ type: String, nullable: true }) to: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
}

export class TicketEventPageDto extends PageMetaDto {
  @ApiProperty({ type: [TicketEventResponseDto] }) items: TicketEventResponseDto[];
}

export function toTicketEventResponse(event: TicketEventEntity): TicketEventResponseDto {
  return {
    id: Number(event.id),
    ticket_id: event.ticketId,
    actor_id: event.actorId,
    type: event.type,
    from: event.fromValue,
    to: event.toValue,
    created_at: event.createdAt.toISOString(),
  };
}
