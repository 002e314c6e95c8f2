import { pipeline, type Readable, Transform } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuthUser, isAgent } from '#src/common/auth/auth-user.js';
import { Clock } from '#src/common/clock.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { disagreementError, disagreements, eitherName, requireAgreement } from '#src/common/validation/agreement.js';
import { DomainEventPublisher } from '#src/common/events/domain-event.publisher.js';
import { InTransactionHooks } from '#src/common/events/in-transaction-hooks.js';
import { pgTimestampToCursor } from '#src/common/database/timestamps.js';
import { DEFAULT_LIMIT, decodeCursor, type Page, type PaginationQueryDto, toPage, wholeList } from '#src/common/pagination/pagination.js';
import { AppConfig } from '#src/config/app-config.js';
import { QueuesService } from '#src/modules/queues/queues.service.js';
import { CsatStatsRepository } from '#src/modules/ratings/csat-stats.repository.js';
import { SlaService } from '#src/modules/sla/sla.service.js';
import {
  applyStatus,
  acceptsMessages,
  canMove,
  isActive,
  planAssignment,
  statusAfterMessage,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  type TicketPriority,
  type TicketStatus,
} from '#src/modules/tickets/domain/ticket-status.js';
import { maySeeTicket } from '#src/modules/tickets/domain/ticket-access.js';
import {
  type BulkUpdateResultDto,
  type BulkUpdateTicketsDto,
  type CreateTicketDto,
  forCustomer,
  type ListTicketsQueryDto,
  type TicketResponseDto,
  type SlaOutcomesDto,
  type SlaStatsDto,
  type TicketStatsDto,
  type TicketStatsQueryDto,
  type TicketEventResponseDto,
  toTicketEventResponse,
  toTicketResponse,
  toTicketResponseFromRecord,
  type UpdateTicketDto,
} from '#src/modules/tickets/dto/ticket.dto.js';
import { AssignmentService } from '#src/modules/tickets/assignment.service.js';
import type { TicketEntity, TicketSource } from '#src/modules/tickets/ticket.entity.js';
import {
  type NewTicket,
  type NewTicketEvent,
  type SlaOutcomeRow,
  type TicketChanges,
  type TicketFilter,
  type TicketRecord,
  TicketsRepository,
} from '#src/modules/tickets/tickets.repository.js';
import { UsersService } from '#src/modules/users/users.service.js';
import { CustomFieldsService } from '#src/modules/custom-fields/custom-fields.service.js';
import { type CheckedCustomFields, type CustomFieldAudience, type CustomFieldValues, sameValues } from '#src/modules/custom-fields/domain/custom-field-values.js';
import type {} from '#src/modules/tickets/tickets.events.js'; // DomainEvents entries (types only)

const notFound = () => new AppError(ErrorCode.NOT_FOUND, 'Ticket not found');
/** Agents (and admins) see and set every custom field; customers not the agent-only ones. */
const audienceOf = (actor: AuthUser): CustomFieldAudience => (isAgent(actor) ? 'agent' : 'customer');
const DAY_MS = 86_400_000;

/** A new ticket as its opener describes it; the service adds the deadlines and the time. */
export type NewTicketInput = Omit<NewTicket, 'priority' | 'frtDeadline' | 'ttrDeadline' | 'createdAt' | 'actorId' | 'customFields'> & {
  priority?: NewTicket['priority'];
  customFields?: NewTicket['customFields'];
};

/** A ticket just inserted, and whether any agent has room to take it. */
export interface OpenedTicket {
  ticket: TicketRecord;
  agentHasRoom: boolean;
}

/** A field change to apply, record in history and announce. */
interface PlannedChange {
  changes: TicketChanges;
  events: Omit<NewTicketEvent, 'ticketId' | 'actorId' | 'createdAt'>[];
  names: string[];
}

/** The list's filters (no paging): what the list and the export share. */
export type TicketFilterQuery = Omit<ListTicketsQueryDto, 'limit' | 'cursor' | 'skip'>;

/** Who (or what) acts on a ticket: a signed-in user, or the system (bot, e-mail, jobs). */
export type Actor = AuthUser | null;

@Injectable()
export class TicketsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tickets: TicketsRepository,
    private readonly queues: QueuesService,
    private readonly users: UsersService,
    private readonly assignment: AssignmentService,
    private readonly events: DomainEventPublisher,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly sla: SlaService,
    private readonly hooks: InTransactionHooks,
    private readonly csat: CsatStatsRepository,
    private readonly customFields: CustomFieldsService,
  ) {}

  /**
   * Opens a ticket. A client opens its own; an agent opens one for the customer named by
   * `client_email` (created as a contact when unknown), or for itself.
   */
  async create(actor: AuthUser, dto: CreateTicketDto, source: TicketSource): Promise<TicketResponseDto> {
    if (dto.client_email !== undefined && !isAgent(actor)) {
      throw new AppError(ErrorCode.FORBIDDEN, 'Only agents may open a ticket for another customer');
    }
    await this.checkServerOwned(actor, dto);
    // Required fields bind forms (REST); chat has none to fill (see README, "Custom fields").
    const audience = audienceOf(actor);
    const checked = await this.customFields.check(dto.custom_fields, source === 'web' || source === 'api', audience);
    const customFields = checked.set;
    // An unknown queue must not leave a new contact behind: check it before creating one.
    if (dto.queue_id !== undefined && dto.client_email) await this.queues.assertExists(dto.queue_id);
    const clientId = dto.client_email ? (await this.users.findOrCreateContact(dto.client_email)).id : actor.id;
    // A customer's new live chat goes to the bot first (BOT_ENABLED), until it hands over.
    const botActive = source === 'chat' && !isAgent(actor) && this.config.bot.enabled;
    const ticket = {
      title: dto.title,
      description: dto.description,
      priority: dto.priority,
      category: dto.category ?? null,
      queueId: dto.queue_id ?? null,
      clientId,
      source,
      customFields,
      botActive,
      // A visitor's ticket is seen by its visitor session only (and by the account once claimed).
      visitorSessionId: actor.visitorSessionId ?? null,
    };
    // Values are checked again with the ticket's insert, against definitions no one changes meanwhile (null on create is no value).
    const opened =
      Object.keys(customFields).length === 0
        ? await this.open(ticket, actor.id)
        : await this.dataSource.transaction(async (tx) => {
            await this.customFields.recheck({ ...checked, clear: [] }, audience, tx);
            return this.open(ticket, actor.id, tx);
          });
    return (await this.viewFor(actor))(await this.announceOpened(opened, actor.id));
  }

  /**
   * Inserts a new open ticket with its SLA deadlines, in `manager`'s transaction when given (the
   * e-mail channel writes the ticket with the mail's own rows). Announce it with `announceOpened`
   * once committed.
   */
  async open(ticket: NewTicketInput, actorId: number | null, manager?: EntityManager): Promise<OpenedTicket> {
    const now = this.clock.now();
    const priority = ticket.priority ?? 'medium';
    const row = { ...ticket, priority, customFields: ticket.customFields ?? {}, ...(await this.sla.deadlinesFor(priority, now)), createdAt: now, actorId };
    // Without a ticket.created hook that wants it the insert is one statement; with one, the hook commits with it.
    if (!this.hooks.wants('ticket.created', { source: ticket.source })) return this.tickets.insert(row, this.config.agentCapacity, manager);
    const insert = async (tx: EntityManager) => {
      const opened = await this.tickets.insert(row, this.config.agentCapacity, tx);
      await this.hooks.run('ticket.created', tx, { ticket: toTicketResponseFromRecord(opened.ticket, this.sla.view), actorId });
      return opened;
    };
    return manager ? insert(manager) : this.dataSource.transaction(insert);
  }

  /** After a new ticket committed: `ticket.created`, then automatic assignment. The ticket as it stands. */
  async announceOpened({ ticket, agentHasRoom }: OpenedTicket, actorId: number | null): Promise<TicketResponseDto> {
    const created = toTicketResponseFromRecord(ticket, this.sla.view);
    this.events.publish('ticket.created', { ticket: created, actorId });
    if (created.bot_active) return created;
    const assigned = await this.assignment.autoAssign({ id: ticket.id, queueId: ticket.queue_id }, agentHasRoom, true);
    return assigned ? this.respond(assigned) : created;
  }

  /**
   * The fields of a new ticket that the server sets (status, client_id) are accepted only when
   * they agree: status `open`; client_id the ticket's client, which is the caller, or for an agent
   * with `client_email`, the customer with that address (known already: a new contact's id cannot be).
   */
  private async checkServerOwned(actor: AuthUser, dto: CreateTicketDto): Promise<void> {
    if (dto.status === undefined && dto.client_id === undefined) return;
    const clientId = dto.client_email && dto.client_id !== undefined ? await this.users.findIdByEmail(dto.client_email) : actor.id;
    requireAgreement([
      { field: 'status', given: dto.status, expected: 'open', must: '"open": a new ticket is open' },
      {
        field: 'client_id',
        given: dto.client_id,
        expected: clientId,
        must: dto.client_email ? 'the id of the client_email customer' : "the caller's own id",
      },
    ]);
  }

  /**
   * Newest first. `assigned_to` and `search` are other names for `agent_id` and `q`; `skip` pages
   * by offset, for clients that need it (the keyset `cursor` is the way to page, and not both).
   */
  async list(actor: AuthUser, query: ListTicketsQueryDto): Promise<Page<TicketResponseDto>> {
    const limit = query.limit ?? 20;
    if (query.skip !== undefined && query.cursor !== undefined) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'Page with cursor or with skip, not both', [
        { field: 'skip', problems: ['skip cannot be used with cursor: follow next_cursor instead'] },
      ]);
    }
    const before = query.cursor ? decodeCursor(query.cursor, ['timestamp', 'int']) : undefined;
    if (!isAgent(actor) && query.client_id !== undefined && query.client_id !== actor.id) {
      return { items: [], next_cursor: null };
    }
    const rows = await this.tickets.list({
      ...(await this.filterOf(actor, query)),
      before: before ? { createdAt: before[0] as string, id: before[1] as number } : undefined,
      offset: query.skip || undefined,
      limit,
    });
    const view = await this.viewFor(actor);
    return toPage(rows, limit, (r) => view(toTicketResponseFromRecord(r, this.sla.view)), (r) => [pgTimestampToCursor(r.created_at), r.id]);
  }

  /**
   * Every ticket the list's filters match, newest first, as a stream of responses (the list's
   * shape, as `viewer` sees them) read through a database cursor: for exports of any size.
   * Destroying the stream ends the query. `viewer` is the caller unless the export is made for a
   * customer (their own data, made by an admin).
   */
  async exportStream(actor: AuthUser, query: TicketFilterQuery, viewer: AuthUser | 'customer' = actor): Promise<Readable> {
    const view = await this.viewFor(viewer);
    const rows = await this.tickets.streamAll(await this.filterOf(actor, query));
    const toResponse = new Transform({
      objectMode: true,
      transform: (record: TicketRecord, _encoding, done) => done(null, view(toTicketResponseFromRecord(record, this.sla.view))),
    });
    pipeline(rows, toResponse, () => undefined); // an error or an early end destroys both
    return toResponse;
  }

  /** The list's filters as the repository takes them; a client sees only its own tickets, whatever it asks for. */
  private async filterOf(actor: AuthUser, query: TicketFilterQuery): Promise<Omit<TicketFilter, 'limit' | 'before' | 'offset'>> {
    return {
      status: query.status,
      priority: query.priority,
      queueId: query.queue_id,
      agentId: eitherName({ field: 'agent_id', value: query.agent_id }, { field: 'assigned_to', value: query.assigned_to }),
      clientId: isAgent(actor) ? query.client_id : actor.id,
      visitorSessionId: isAgent(actor) ? undefined : actor.visitorSessionId,
      category: query.category,
      customFields: await this.customFields.filter(query.custom_fields, audienceOf(actor)),
      q: eitherName({ field: 'q', value: query.q }, { field: 'search', value: query.search }),
      sla: query.sla_state && { state: query.sla_state, warningMinutes: this.config.slaWarningMinutes },
    };
  }

  /** A ticket as the caller may see it (REST, and the Socket.IO join's answer). */
  async get(actor: AuthUser, id: number): Promise<TicketResponseDto> {
    const ticket = this.respond(await this.getVisible(actor, id));
    return (await this.viewFor(actor))(ticket);
  }

  /**
   * How `viewer` sees tickets (one read of the field definitions, for many tickets): agents see
   * everything; a customer ('customer': whoever the customer is) sees neither the language model's
   * suggestions nor the values of agent-only custom fields. For every answer, push and export that
   * reaches a customer; events and webhooks carry the whole ticket.
   */
  async viewFor(viewer: AuthUser | 'customer'): Promise<(ticket: TicketResponseDto) => TicketResponseDto> {
    if (viewer !== 'customer' && isAgent(viewer)) return (ticket) => ticket;
    const fields = await this.customFields.viewOf('customer');
    return (ticket) => forCustomer(ticket, fields);
  }

  /** A ticket as clients see it, with its `sla` block (also for other modules' events and answers). */
  respond(ticket: TicketEntity): TicketResponseDto {
    return toTicketResponse(ticket, this.sla.view);
  }

  /** The ticket if the caller may see it: agents see all, a client only its own (else 404, never 403). */
  async getVisible(actor: AuthUser, id: number, manager?: EntityManager): Promise<TicketEntity> {
    const ticket = await this.tickets.findById(id, manager);
    if (!ticket || !maySeeTicket(actor, ticket)) throw notFound();
    return ticket;
  }

  async update(actor: AuthUser, id: number, dto: UpdateTicketDto): Promise<TicketResponseDto> {
    const agent = isAgent(actor);
    if (!agent) {
      const agentOnly = (['priority', 'category', 'queue_id', 'custom_fields'] as const).filter((field) => dto[field] !== undefined);
      if (agentOnly.length > 0) {
        throw new AppError(ErrorCode.FORBIDDEN, 'A customer may change the title and description, or close the ticket', agentOnly.map((field) => ({ field })));
      }
    }
    const visible = await this.getVisible(actor, id);
    // A ticket's client never changes: a client_id sent back as read is accepted, any other refused.
    requireAgreement([{ field: 'client_id', given: dto.client_id, expected: visible.clientId, must: "the ticket's own client_id" }]);
    if (dto.queue_id !== undefined) await this.queues.assertExists(dto.queue_id);
    const audience = audienceOf(actor);
    const customFields = await this.customFields.check(dto.custom_fields, false, audience);
    const now = this.clock.now();
    const { before, after, names } = await this.dataSource.transaction(async (manager) => {
      // Before the ticket's lock: a definition change locks its row, then tickets.
      await this.customFields.recheck(customFields, audience, manager);
      const current = (await this.tickets.lockById(id, manager))!;
      const plan = this.planUpdate(current, dto, agent ? 'agent' : 'client', now);
      const values = mergeCustomFields(current.customFields, customFields);
      if (values) {
        plan.changes.customFields = values;
        plan.names.push('custom_fields');
      }
      if (plan.names.length === 0) return { before: current, after: current, names: [] };
      const updated = await this.tickets.update(current, plan.changes, manager);
      await this.tickets.insertEvents(plan.events.map((e) => ({ ...e, ticketId: id, actorId: actor.id, createdAt: now })), manager);
      const [after] = await this.followClocks([{ ticket: updated, names: plan.names }], manager);
      await this.assignment.runChangedHooks(manager, current, after, actor.id);
      return { before: current, after, names: plan.names };
    });
    if (names.length > 0) {
      const previousCustomFields = names.includes('custom_fields') ? before.customFields : undefined;
      this.events.publish('ticket.updated', { ticket: this.respond(after), changes: names, actorId: actor.id, previousCustomFields });
    }
    const current = names.length === 0 ? after : await this.afterStatusChange(before, after);
    return (await this.viewFor(actor))(this.respond(current));
  }

  /**
   * Stores the category and queue a language model suggests for a new ticket (issue 14) and, with
   * `apply`, applies what is still open: the category while the ticket has none, the queue while
   * no agent holds it (history rows without an actor). Agents see it live (`ticket.updated`); a
   * ticket moved to another queue is offered for automatic assignment there. Null for a ticket
   * deleted meanwhile.
   */
  async suggest(id: number, suggestion: { category: string | null; queueId: number | null }, apply: boolean): Promise<TicketResponseDto | null> {
    const now = this.clock.now();
    const result = await this.dataSource.transaction(async (manager) => {
      const current = await this.tickets.lockById(id, manager);
      if (!current) return null;
      const applied = {
        category: apply && current.category === null && suggestion.category !== null ? suggestion.category : undefined,
        queue_id: apply && current.agentId === null && suggestion.queueId !== null ? suggestion.queueId : undefined,
      };
      const plan = this.planUpdate(current, applied, 'agent', now);
      const after = await this.tickets.update(current, { ...plan.changes, suggestedCategory: suggestion.category, suggestedQueueId: suggestion.queueId }, manager);
      await this.tickets.insertEvents(plan.events.map((e) => ({ ...e, ticketId: id, actorId: null, createdAt: now })), manager);
      await this.assignment.runChangedHooks(manager, current, after, null);
      return { after, names: plan.names };
    });
    if (!result) return null;
    const ticket = this.respond(result.after);
    this.events.publish('ticket.updated', { ticket, changes: [...result.names, 'suggested_category', 'suggested_queue_id'], actorId: null });
    if (result.names.includes('queue_id')) await this.assignment.autoAssign(result.after);
    return ticket;
  }

  /** The categories tickets carry, the most used first (what a model should choose from). */
  categoriesInUse(limit: number): Promise<string[]> {
    return this.tickets.categoriesInUse(limit);
  }

  async history(actor: AuthUser, id: number, query: PaginationQueryDto): Promise<Page<TicketEventResponseDto>> {
    await this.getVisible(actor, id);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : undefined;
    return toPage(await this.tickets.listEvents(id, afterId, limit), limit, toTicketEventResponse, (e) => [Number(e.id)]);
  }

  /** Manual assignment: to an active agent or admin (400 otherwise), or null to unassign. */
  async assign(actor: AuthUser, id: number, agentId: number | null): Promise<TicketResponseDto> {
    if (!(await this.tickets.findById(id))) throw notFound();
    if (agentId !== null) await this.users.requireActiveAgent(agentId);
    const now = this.clock.now();
    const { before, after } = await this.dataSource.transaction(async (manager) => {
      const current = (await this.tickets.lockById(id, manager))!;
      if (current.agentId === agentId) return { before: current, after: current };
      return { before: current, after: await this.assignment.applyAssignment(manager, current, agentId, actor.id, now) };
    });
    if (before !== after) {
      this.assignment.announceAssignment(before, after, actor.id);
      // The previous agent has a free slot now. A ticket taken off its agent stays unassigned
      // (someone chose that): the pool skips it until someone assigns it or it is reopened.
      if (before.agentId !== null && isActive(after.status)) await this.assignment.fillFreeSlots();
    }
    return this.respond(after);
  }

  /** One transaction: every ticket must exist and every status move be allowed, or nothing changes. */
  async bulkUpdate(actor: AuthUser, dto: BulkUpdateTicketsDto): Promise<BulkUpdateResultDto> {
    if (dto.status === undefined && dto.priority === undefined && dto.agent_id === undefined && dto.queue_id === undefined) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'Name at least one change: status, priority, agent_id or queue_id');
    }
    if (dto.agent_id !== undefined && dto.agent_id !== null) await this.users.requireActiveAgent(dto.agent_id);
    if (dto.queue_id !== undefined) await this.queues.assertExists(dto.queue_id);
    const now = this.clock.now();
    const results = await this.dataSource.transaction(async (manager) => {
      const locked = await this.tickets.lockByIds(dto.ticket_ids, manager);
      const missing = dto.ticket_ids.filter((id) => !locked.some((t) => t.id === id));
      if (missing.length > 0) throw new AppError(ErrorCode.NOT_FOUND, 'Some tickets do not exist', [{ ticket_ids: missing }]);
      const otherClients = dto.client_id === undefined ? [] : locked.filter((t) => t.clientId !== dto.client_id).map((t) => t.id);
      if (otherClients.length > 0) {
        const problems = disagreements([{ field: 'client_id', given: dto.client_id, expected: null, must: 'the client_id of every ticket named' }]);
        throw disagreementError(problems.map((problem) => ({ ...problem, ticket_ids: otherClients })));
      }
      if (dto.status !== undefined) {
        const refused = locked.filter((t) => t.status !== dto.status && !canMove(t.status, dto.status!, 'agent')).map((t) => t.id);
        if (refused.length > 0) {
          throw new AppError(ErrorCode.CONFLICT, `These tickets cannot move to ${dto.status}`, [{ ticket_ids: refused }]);
        }
      }
      const out: { before: TicketEntity; after: TicketEntity; names: string[]; assigned: boolean }[] = [];
      for (const current of locked) {
        const plan = this.planUpdate(current, { status: dto.status, priority: dto.priority, queue_id: dto.queue_id }, 'agent', now);
        const assigned = dto.agent_id !== undefined && dto.agent_id !== current.agentId;
        if (assigned) {
          // A status named in the same change is the status; otherwise assignment moves an open ticket.
          const assignment = planAssignment(current, dto.agent_id as number | null, now, dto.status === undefined);
          Object.assign(plan.changes, assignment.changes);
          plan.events.push(...assignment.events);
          if (assignment.changes.status !== undefined) plan.names.push('status');
        }
        if (plan.names.length === 0 && !assigned) {
          out.push({ before: current, after: current, names: [], assigned });
          continue;
        }
        const updated = await this.tickets.update(current, plan.changes, manager);
        await this.tickets.insertEvents(plan.events.map((e) => ({ ...e, ticketId: current.id, actorId: actor.id, createdAt: now })), manager);
        out.push({ before: current, after: updated, names: plan.names, assigned });
      }
      const followed = await this.followClocks(out.map(({ after, names }) => ({ ticket: after, names })), manager);
      for (const [i, { before }] of out.entries()) await this.assignment.runChangedHooks(manager, before, followed[i], actor.id);
      return out.map((result, i) => ({ ...result, after: followed[i] }));
    });
    let slotsFreed = false;
    const items = results.map(({ before, after, names, assigned }) => {
      const ticket = this.respond(after);
      if (names.length > 0) this.events.publish('ticket.updated', { ticket, changes: names, actorId: actor.id });
      if (assigned) this.events.publish('ticket.assigned', { ticket, agentId: after.agentId, previousAgentId: before.agentId, actorId: actor.id });
      slotsFreed ||= before.agentId !== null && (before.agentId !== after.agentId || (isActive(before.status) && !isActive(after.status)));
      return ticket;
    });
    if (slotsFreed) await this.assignment.fillFreeSlots();
    return wholeList(items);
  }

  async stats(query: TicketStatsQueryDto): Promise<TicketStatsDto> {
    const now = this.clock.now();
    const to = query.to ? new Date(query.to) : now;
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY_MS);
    if (from >= to) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'from must be before to', [{ field: 'from', problems: ['from must be before to'] }]);
    }
    const [counts, window, outcomes, csat] = await Promise.all([
      this.tickets.counts(now),
      this.tickets.windowStats(from, to),
      this.tickets.slaOutcomes(from, to),
      this.csat.summary(from, to),
    ]);
    const zeroes = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      by_status: { ...zeroes<TicketStatus>(TICKET_STATUSES), ...counts.byStatus },
      by_priority: { ...zeroes<TicketPriority>(TICKET_PRIORITIES), ...counts.byPriority },
      by_queue: counts.byQueue.map((q) => ({ queue_id: q.queueId, name: q.name, count: q.count })),
      frt_breached: counts.frtBreached,
      ttr_breached: counts.ttrBreached,
      frt_breached_in_window: window.frtBreachedInWindow,
      ttr_breached_in_window: window.ttrBreachedInWindow,
      median_first_response_seconds: window.medianFirstResponseSeconds,
      median_resolution_seconds: window.medianResolutionSeconds,
      sla: toSlaStats(outcomes),
      csat,
    };
  }

  /**
   * What a new customer-visible message does to its (locked) ticket, inside the message's
   * transaction: a closed ticket refuses it (409), unless `reopenClosed` lets a customer's message
   * reopen it (a mailed reply soon after closing); the first agent reply stamps first_response_at;
   * a customer's reply moves a waiting or resolved ticket along (domain/ticket-status).
   */
  async applyMessage(
    manager: EntityManager,
    ticket: TicketEntity,
    fromAgent: boolean,
    actorId: number | null,
    at: Date,
    options: { reopenClosed?: boolean } = {},
  ): Promise<{ ticket: TicketEntity; changes: string[] }> {
    const reopens = options.reopenClosed === true && !fromAgent && ticket.status === 'closed';
    if (!acceptsMessages(ticket.status) && !reopens) throw new AppError(ErrorCode.CONFLICT, 'The ticket is closed; reopen it or open a new one');
    const changes: TicketChanges = {};
    const events: NewTicketEvent[] = [];
    const names: string[] = [];
    if (fromAgent && ticket.firstResponseAt === null) {
      changes.firstResponseAt = at;
      events.push({ ticketId: ticket.id, actorId, type: 'first_response', toValue: at.toISOString(), createdAt: at });
      names.push('first_response_at');
    }
    const next = reopens ? 'open' : statusAfterMessage(ticket.status, fromAgent);
    if (next !== null) {
      Object.assign(changes, applyStatus(ticket, next, at));
      events.push({ ticketId: ticket.id, actorId, type: 'status', fromValue: ticket.status, toValue: next, createdAt: at });
      names.push('status');
    }
    if (events.length === 0) return { ticket, changes: [] };
    const updated = await this.tickets.update(ticket, changes, manager);
    await this.tickets.insertEvents(events, manager);
    // A customer's reply that ends a wait or reopens a resolved ticket moves its clocks too.
    const [after] = await this.followClocks([{ ticket: updated, names }], manager);
    await this.assignment.runChangedHooks(manager, ticket, after, actorId);
    return { ticket: after, changes: names };
  }

  /** Whether a new message would change its ticket (first response, status), so needs the slow path. */
  messageChangesTicket(ticket: TicketEntity, fromAgent: boolean): boolean {
    return (fromAgent && ticket.firstResponseAt === null) || statusAfterMessage(ticket.status, fromAgent) !== null;
  }

  /**
   * The bot gives a live chat it holds to people, in the caller's transaction on the locked ticket:
   * automatic assignment may take it from now on (to an online agent). Announce it with
   * `announceHandOver` once committed, then hand it out (AssignmentService.autoAssign).
   */
  async handOverFromBot(manager: EntityManager, ticket: TicketEntity): Promise<TicketEntity> {
    const after = await this.tickets.update(ticket, { botState: 'handed_off' }, manager);
    await this.assignment.runChangedHooks(manager, ticket, after, null);
    return after;
  }

  announceHandOver(ticket: TicketEntity): void {
    this.events.publish('ticket.updated', { ticket: this.respond(ticket), changes: ['bot_active'], actorId: null });
  }

  /** The ticket, for system authors (bot, e-mail) that need no visibility check; 404 if missing. */
  async getById(id: number): Promise<TicketEntity> {
    const ticket = await this.tickets.findById(id);
    if (!ticket) throw notFound();
    return ticket;
  }

  /** Locks a ticket the caller may see, for a change made in the caller's transaction. */
  async lockVisible(actor: Actor, id: number, manager: EntityManager): Promise<TicketEntity> {
    const ticket = await this.tickets.lockById(id, manager);
    if (!ticket || (actor && !maySeeTicket(actor, ticket))) throw notFound();
    return ticket;
  }

  /**
   * After a committed status change: a slot freed by resolving or closing is refilled; a reopened
   * unassigned ticket is given out. Returns the ticket as it now stands.
   */
  async afterStatusChange(before: TicketEntity, after: TicketEntity): Promise<TicketEntity> {
    if (before.status === after.status) return after;
    if (before.agentId !== null && isActive(before.status) && !isActive(after.status)) await this.assignment.fillFreeSlots();
    if (after.agentId === null && isActive(after.status) && !isActive(before.status)) {
      return (await this.assignment.autoAssign(after)) ?? after;
    }
    return after;
  }

  /**
   * After priority or status changes (their history rows written), the SLA clocks follow: new
   * targets, a pause starting or ending, a reopen restarting the resolution clock. Same transaction,
   * one recompute for all the changed tickets; `names` gains the deadlines where they moved.
   */
  private async followClocks(changed: Array<{ ticket: TicketEntity; names: string[] }>, manager: EntityManager): Promise<TicketEntity[]> {
    const moved = changed.filter(({ names }) => names.includes('priority') || names.includes('status'));
    const deadlines = moved.length > 0 ? await this.sla.recomputeTickets(moved.map(({ ticket }) => ticket.id), manager) : new Map();
    return changed.map(({ ticket, names }) => {
      const next = deadlines.get(ticket.id);
      if (!next || (next.frtDeadline.getTime() === ticket.frtDeadline.getTime() && next.ttrDeadline.getTime() === ticket.ttrDeadline.getTime())) {
        return ticket;
      }
      names.push('frt_deadline', 'ttr_deadline');
      return { ...ticket, ...next };
    });
  }

  private planUpdate(current: TicketEntity, dto: UpdateTicketDto, actor: 'agent' | 'client', now: Date): PlannedChange {
    const plan: PlannedChange = { changes: {}, events: [], names: [] };
    if (dto.title !== undefined && dto.title !== current.title) {
      plan.changes.title = dto.title;
      plan.events.push({ type: 'title', fromValue: current.title, toValue: dto.title });
      plan.names.push('title');
    }
    if (dto.description !== undefined && dto.description !== current.description) {
      plan.changes.description = dto.description;
      plan.events.push({ type: 'description' });
      plan.names.push('description');
    }
    if (dto.category !== undefined && dto.category !== current.category) {
      plan.changes.category = dto.category;
      plan.events.push({ type: 'category', fromValue: current.category, toValue: dto.category });
      plan.names.push('category');
    }
    if (dto.queue_id !== undefined && dto.queue_id !== current.queueId) {
      plan.changes.queueId = dto.queue_id;
      plan.events.push({ type: 'queue', fromValue: current.queueId?.toString() ?? null, toValue: String(dto.queue_id) });
      plan.names.push('queue_id');
    }
    if (dto.priority !== undefined && dto.priority !== current.priority) {
      plan.changes.priority = dto.priority;
      plan.events.push({ type: 'priority', fromValue: current.priority, toValue: dto.priority });
      plan.names.push('priority');
    }
    if (dto.status !== undefined && dto.status !== current.status) {
      if (!canMove(current.status, dto.status, actor)) {
        throw new AppError(ErrorCode.CONFLICT, `A ticket cannot move from ${current.status} to ${dto.status}`, [{ from: current.status, to: dto.status }]);
      }
      Object.assign(plan.changes, applyStatus(current, dto.status, now));
      plan.events.push({ type: 'status', fromValue: current.status, toValue: dto.status });
      plan.names.push('status');
    }
    return plan;
  }
}

/** A ticket's custom-field values after an update's checked changes, or null when nothing changes. */
function mergeCustomFields(current: CustomFieldValues, { set, clear }: CheckedCustomFields): CustomFieldValues | null {
  const next: CustomFieldValues = { ...current, ...set };
  for (const key of clear) delete next[key];
  return sameValues(next, current) ? null : next;
}

/** The grouping-set rows of `slaOutcomes` as the stats answer: overall, per queue, per agent, with rates. */
function toSlaStats(rows: SlaOutcomeRow[]): SlaStatsDto {
  const rate = (met: number, breached: number) => (met + breached === 0 ? null : Math.round((met / (met + breached)) * 1000) / 1000);
  const outcomes = (r: SlaOutcomeRow): SlaOutcomesDto => ({
    frt_met: r.frt_met,
    frt_breached: r.frt_breached,
    frt_met_rate: rate(r.frt_met, r.frt_breached),
    ttr_met: r.ttr_met,
    ttr_breached: r.ttr_breached,
    ttr_met_rate: rate(r.ttr_met, r.ttr_breached),
  });
  const overall = rows.find((r) => !r.by_queue && !r.by_agent);
  const none = { frt_met: 0, frt_breached: 0, ttr_met: 0, ttr_breached: 0 } as SlaOutcomeRow;
  return {
    overall: outcomes(overall ?? none),
    by_queue: rows.filter((r) => r.by_queue).map((r) => ({ queue_id: r.queue_id, name: r.queue_name, ...outcomes(r) })),
    by_agent: rows.filter((r) => r.by_agent).map((r) => ({ agent_id: r.agent_id, name: r.agent_name, ...outcomes(r) })),
  };
}
