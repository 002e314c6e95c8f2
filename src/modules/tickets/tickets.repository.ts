import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, MoreThan, Repository } from 'typeorm';
import { AdvisoryLock } from '#src/common/database/advisory-locks.js';
import { isReferenceViolation, pgConstraint } from '#src/common/database/pg-errors.js';
import { preparedQuery } from '#src/common/database/prepared-query.js';
import { streamQuery } from '#src/common/database/query-stream.js';
import { pgTimestampToIso } from '#src/common/database/timestamps.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { systemQueueIdSql } from '#src/modules/queues/queues.repository.js';
import { anyRunningClockSql, frtMetAtSql, runningClockSql } from '#src/modules/sla/sla.repository.js';
import type { AgentLoad } from '#src/modules/tickets/domain/pick-agent.js';
import { ACTIVE_STATUSES, type BotState, type TicketPriority, type TicketStatus } from '#src/modules/tickets/domain/ticket-status.js';
import { TicketEventEntity, type TicketEventType } from '#src/modules/tickets/ticket-event.entity.js';
import { TicketEntity, type TicketVisitorFacts, visitorSql } from '#src/modules/tickets/ticket.entity.js';
import type { CustomFieldValues } from '#src/modules/custom-fields/domain/custom-field-values.js';
import { likeLiteral } from '#src/common/database/like.js';

export interface TicketFilter {
  status?: TicketStatus;
  priority?: TicketPriority;
  queueId?: number;
  agentId?: number;
  clientId?: number;
  /** A visitor's list: only the tickets opened with its visitor session. */
  visitorSessionId?: number;
  category?: string;
  q?: string;
  /** Custom-field values the ticket must hold (`custom_fields @>`, GIN-indexed). */
  customFields?: CustomFieldValues;
  /** Tickets with a running SLA clock past its deadline, or inside the warning window (minutes). */
  sla?: { state: 'breached' | 'warning'; warningMinutes: number };
  /** Keyset: rows strictly after this (created_at, id) in newest-first order. */
  before?: { createdAt: string; id: number };
  /** Offset paging (`?skip=`): rows to pass over first. */
  offset?: number;
  limit: number;
}

export interface NewTicketEvent {
  ticketId: number;
  actorId: number | null;
  type: TicketEventType;
  fromValue?: string | null;
  toValue?: string | null;
  createdAt?: Date;
}

export type TicketChanges = Partial<
  Pick<
    TicketEntity,
    | 'title'
    | 'description'
    | 'status'
    | 'priority'
    | 'category'
    | 'queueId'
    | 'agentId'
    | 'frtDeadline'
    | 'ttrDeadline'
    | 'firstResponseAt'
    | 'resolvedAt'
    | 'closedAt'
    | 'suggestedCategory'
    | 'suggestedQueueId'
    | 'customFields'
    | 'botState'
  >
>;

export interface SlaOutcomeRow {
  by_queue: boolean;
  by_agent: boolean;
  queue_id: number | null;
  queue_name: string | null;
  agent_id: number | null;
  agent_name: string | null;
  frt_met: number;
  frt_breached: number;
  ttr_met: number;
  ttr_breached: number;
}

export interface TicketCounts {
  byStatus: Record<string, number>;
  byPriority: Record<string, number>;
  byQueue: { queueId: number | null; name: string | null; count: number }[];
  frtBreached: number;
  ttrBreached: number;
}

export interface WindowStats {
  medianFirstResponseSeconds: number | null;
  medianResolutionSeconds: number | null;
  frtBreachedInWindow: number;
  ttrBreachedInWindow: number;
}

const ACTIVE_SQL = `('open', 'in_progress', 'waiting_customer')`;

/** Presence rows not refreshed for this long belong to an instance that died. */
export const PRESENCE_STALE_SECONDS = 60;

/** The user (a `users` row aliased `user`) holds a chat connection confirmed within PRESENCE_STALE_SECONDS on some instance. */
export const onlineSql = (user: string) =>
  `EXISTS (SELECT 1 FROM agent_presence p
            WHERE p.user_id = ${user}.id AND p.connections > 0 AND p.seen_at > now() - interval '${PRESENCE_STALE_SECONDS} seconds')`;

/**
 * Who automatic assignment may give a ticket to, the one rule for every statement that picks or
 * counts candidates (agentLoads, the insert's "someone has room"): an active agent, online or not,
 * and an active admin only while online. An admin can do all an agent can, and on a fresh install
 * it is the only staff member; but one who only manages settings, and never opens a chat
 * connection (the console), is never handed tickets.
 */
const assignableSql = (user: string) => `${user}.is_active AND (${user}.role = 'agent' OR (${user}.role = 'admin' AND ${onlineSql(user)}))`;

/** The columns of a ticket row for the hand-written hot-path queries (list, create, read by id). */
const TICKET_COLUMNS = `t.id, t.title, t.description, t.status, t.priority, t.category, t.queue_id, t.client_id, t.agent_id,
  t.source, t.bot_state, t.frt_deadline, t.ttr_deadline, t.first_response_at, t.resolved_at, t.closed_at, t.created_at, t.updated_at,
  t.suggested_category, t.suggested_queue_id, t.custom_fields, t.follows_ticket_id, t.visitor_session_id, ${visitorSql('t')} AS visitor`;

interface TicketRow {
  id: number;
  title: string;
  description: string;
  status: TicketStatus;
  priority: TicketPriority;
  category: string | null;
  queue_id: number | null;
  client_id: number;
  agent_id: number | null;
  source: TicketEntity['source'];
  bot_state: BotState | null;
  frt_deadline: Date;
  ttr_deadline: Date;
  first_response_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  suggested_category: string | null;
  suggested_queue_id: number | null;
  custom_fields: CustomFieldValues;
  follows_ticket_id: number | null;
  visitor_session_id: number | null;
  visitor: TicketVisitorFacts | null;
}

function toEntity(row: TicketRow): TicketEntity {
  return Object.assign(new TicketEntity(), {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status,
    priority: row.priority,
    category: row.category,
    queueId: row.queue_id,
    clientId: row.client_id,
    agentId: row.agent_id,
    source: row.source,
    botState: row.bot_state,
    frtDeadline: row.frt_deadline,
    ttrDeadline: row.ttr_deadline,
    firstResponseAt: row.first_response_at,
    resolvedAt: row.resolved_at,
    closedAt: row.closed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    suggestedCategory: row.suggested_category,
    suggestedQueueId: row.suggested_queue_id,
    customFields: row.custom_fields,
    followsTicketId: row.follows_ticket_id ?? null,
    visitorSessionId: row.visitor_session_id ?? null,
    visitor: row.visitor ?? null,
  });
}

/**
 * A ticket as the hot-path statements return it (see preparedQuery): the columns as stored, with
 * times as PostgreSQL's text, to the microsecond.
 */
export type TicketRecord = Omit<TicketRow, 'frt_deadline' | 'ttr_deadline' | 'first_response_at' | 'resolved_at' | 'closed_at' | 'created_at' | 'updated_at'> & {
  frt_deadline: string;
  ttr_deadline: string;
  first_response_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
};

const toDate = (text: string) => new Date(pgTimestampToIso(text));
const toDateOrNull = (text: string | null) => (text === null ? null : toDate(text));

function recordToEntity(r: TicketRecord): TicketEntity {
  return toEntity({
    ...r,
    frt_deadline: toDate(r.frt_deadline),
    ttr_deadline: toDate(r.ttr_deadline),
    first_response_at: toDateOrNull(r.first_response_at),
    resolved_at: toDateOrNull(r.resolved_at),
    closed_at: toDateOrNull(r.closed_at),
    created_at: toDate(r.created_at),
    updated_at: toDate(r.updated_at),
  });
}

export interface NewTicket {
  title: string;
  description: string;
  priority: TicketPriority;
  category: string | null;
  /** null: the system queue of the source (Email for mail, General questions otherwise; else the first). */
  queueId: number | null;
  clientId: number;
  source: TicketEntity['source'];
  frtDeadline: Date;
  ttrDeadline: Date;
  createdAt: Date;
  actorId: number | null;
  customFields: CustomFieldValues;
  /** A live chat the bot takes first (bot_state `active`), if its queue lets the bot (`bot_enabled`). */
  botActive?: boolean;
  /** Opened by a visitor (a chat without an account): its session. */
  visitorSessionId?: number | null;
}

/**
 * The WHERE conditions of the list's filters, with their parameters; `add.shape()` names the set of
 * filters present (the same set gives the same SQL, so it names the prepared statement).
 */
function filterSql(filter: Omit<TicketFilter, 'limit' | 'before' | 'offset'>) {
  const where: string[] = [];
  const params: unknown[] = [];
  let shape = '';
  const add = Object.assign(
    (key: string, sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
      shape += key;
    },
    { shape: (more = '') => (shape += more) },
  );
  if (filter.status) add('s', (p) => `t.status = ${p}`, filter.status);
  if (filter.priority) add('p', (p) => `t.priority = ${p}`, filter.priority);
  if (filter.queueId !== undefined) add('u', (p) => `t.queue_id = ${p}`, filter.queueId);
  if (filter.agentId !== undefined) add('a', (p) => `t.agent_id = ${p}`, filter.agentId);
  if (filter.clientId !== undefined) add('c', (p) => `t.client_id = ${p}`, filter.clientId);
  if (filter.visitorSessionId !== undefined) add('v', (p) => `t.visitor_session_id = ${p}`, filter.visitorSessionId);
  if (filter.category) add('g', (p) => `t.category = ${p}`, filter.category);
  if (filter.customFields) add('f', (p) => `t.custom_fields @> ${p}::jsonb`, filter.customFields);
  if (filter.q) add('q', (p) => `(t.title || ' ' || t.description) ILIKE ${p}`, `%${likeLiteral(filter.q)}%`);
  if (filter.sla?.state === 'breached') {
    where.push(anyRunningClockSql((deadline) => `${deadline} <= now()`));
    add.shape('B');
  } else if (filter.sla?.state === 'warning') {
    add('W', (p) => anyRunningClockSql((deadline) => `${deadline} > now() AND ${deadline} <= now() + ${p} * interval '1 minute'`), filter.sla.warningMinutes);
  }
  return { where, params, add };
}

@Injectable()
export class TicketsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private tickets(manager?: EntityManager): Repository<TicketEntity> {
    return (manager ?? this.db.manager).getRepository(TicketEntity);
  }

  /**
   * Inserts an open ticket and its "created" history row in one statement (atomic without a
   * transaction, one round trip). An unknown queue is a validation error. The same round trip
   * tells whether any candidate for automatic assignment (assignableSql) holds fewer than
   * `capacity` active tickets, so creation can skip automatic assignment when no one could take the ticket.
   */
  async insert(ticket: NewTicket, capacity: number, manager?: EntityManager): Promise<{ ticket: TicketRecord; agentHasRoom: boolean }> {
    // The ticket's queue: the one asked for, else the system queue of its source.
    const queueId = `COALESCE($5, ${systemQueueIdSql("CASE WHEN $7 = 'email' THEN 'email' ELSE 'general' END")})`;
    try {
      const rows = await preparedQuery<TicketRecord & { agent_has_room: boolean }>(
        this.db,
        'tickets.insert',
        `WITH t AS (
           INSERT INTO tickets (title, description, priority, category, queue_id, client_id, source,
                                frt_deadline, ttr_deadline, created_at, updated_at, custom_fields, bot_state, visitor_session_id)
           VALUES ($1, $2, $3, $4, ${queueId}, $6, $7, $8, $9, $10, $10, $13,
                   CASE WHEN $14::boolean AND EXISTS (SELECT 1 FROM queues q WHERE q.id = ${queueId} AND q.bot_enabled) THEN 'active' END, $15::int)
           RETURNING *
         ), e AS (
           INSERT INTO ticket_events (ticket_id, actor_id, type, to_value, created_at)
           SELECT id, $11, 'created', 'open', $10 FROM t
         )
         SELECT ${TICKET_COLUMNS},
                EXISTS (SELECT 1 FROM users u
                         WHERE ${assignableSql('u')}
                           AND (SELECT count(*) FROM tickets x WHERE x.agent_id = u.id AND x.status IN ${ACTIVE_SQL}) < $12
                ) AS agent_has_room
           FROM t`,
        [
          ticket.title,
          ticket.description,
          ticket.priority,
          ticket.category,
          ticket.queueId,
          ticket.clientId,
          ticket.source,
          ticket.frtDeadline,
          ticket.ttrDeadline,
          ticket.createdAt,
          ticket.actorId,
          capacity,
          ticket.customFields,
          ticket.botActive === true,
          ticket.visitorSessionId ?? null,
        ],
        manager,
      );
      const { agent_has_room: agentHasRoom, ...record } = rows[0];
      return { ticket: record, agentHasRoom };
    } catch (error) {
      if (isReferenceViolation(error) && String(pgConstraint(error)).includes('queue')) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'No such queue', [{ field: 'queue_id', problems: ['queue_id must be an existing queue'] }]);
      }
      throw error;
    }
  }

  /** The categories tickets carry, the most used first. */
  async categoriesInUse(limit: number): Promise<string[]> {
    const rows: { category: string }[] = await this.db.query(
      `SELECT category FROM tickets WHERE category IS NOT NULL GROUP BY category ORDER BY count(*) DESC, category LIMIT $1`,
      [limit],
    );
    return rows.map((row) => row.category);
  }

  /** A prepared statement: every chat message reads its ticket first. */
  async findById(id: number, manager?: EntityManager): Promise<TicketEntity | null> {
    const rows = await preparedQuery<TicketRecord>(this.db, 'tickets.findById', `SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.id = $1`, [id], manager);
    return rows[0] ? recordToEntity(rows[0]) : null;
  }

  /** Reads and row-locks a ticket until the transaction ends. */
  lockById(id: number, manager: EntityManager): Promise<TicketEntity | null> {
    return this.tickets(manager).createQueryBuilder('t').where('t.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  /** Row-locks several tickets in id order (the same order everywhere, so no deadlocks). */
  lockByIds(ids: number[], manager: EntityManager): Promise<TicketEntity[]> {
    return this.tickets(manager)
      .createQueryBuilder('t')
      .where('t.id IN (:...ids)', { ids })
      .orderBy('t.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** Applies changes and returns the row as stored (with the new updated_at). */
  async update(ticket: TicketEntity, changes: TicketChanges, manager: EntityManager): Promise<TicketEntity> {
    await this.tickets(manager).update({ id: ticket.id }, changes);
    return (await this.findById(ticket.id, manager))!;
  }

  async insertEvents(events: NewTicketEvent[], manager: EntityManager): Promise<void> {
    if (events.length === 0) return;
    await manager
      .createQueryBuilder()
      .insert()
      .into(TicketEventEntity)
      .values(events.map((e) => ({ fromValue: null, toValue: null, ...e })))
      .execute();
  }

  /** Oldest first, keyset by id; up to `limit + 1` rows after `afterId`. */
  listEvents(ticketId: number, afterId: number | undefined, limit: number): Promise<TicketEventEntity[]> {
    return this.db.getRepository(TicketEventEntity).find({
      where: { ticketId, ...(afterId !== undefined && { id: MoreThan(String(afterId)) }) },
      order: { id: 'ASC' },
      take: limit + 1,
    });
  }

  /**
   * Newest first, keyset by (created_at, id); up to `limit + 1` rows, each with its exact cursor
   * time. Hand-written SQL: this is the busiest read of the service.
   */
  async list(filter: TicketFilter): Promise<TicketRecord[]> {
    const { where, params, add } = filterSql(filter);
    if (filter.before) {
      add('b', (p) => `(t.created_at, t.id) < (${p}::timestamptz, $${params.length + 1})`, filter.before.createdAt);
      params.push(filter.before.id);
    }
    params.push(filter.limit + 1);
    const limit = `LIMIT $${params.length}`;
    if (filter.offset) {
      params.push(filter.offset);
      add.shape('o');
    }
    return preparedQuery<TicketRecord>(
      this.db,
      // A search pattern's best plan depends on the pattern: those are planned on every call.
      filter.q ? null : `tickets.list:${add.shape()}`,
      `SELECT ${TICKET_COLUMNS} FROM tickets t
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY t.created_at DESC, t.id DESC ${limit}${filter.offset ? ` OFFSET $${params.length}` : ''}`,
      params,
    );
  }

  /**
   * Every ticket the list's filters match, newest first, as a stream of records read through a
   * cursor (a batch at a time, with backpressure): for exports, which must not hold all rows in
   * memory. Destroying the stream closes the cursor and gives up its connection.
   */
  streamAll(filter: Omit<TicketFilter, 'limit' | 'before' | 'offset'>): Promise<Readable> {
    const { where, params } = filterSql(filter);
    return streamQuery(
      this.db,
      `SELECT /* tickets.export */ ${TICKET_COLUMNS} FROM tickets t
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY t.created_at DESC, t.id DESC`,
      params,
    );
  }

  /** Current counts; breaches are active tickets past a deadline at `now`. */
  async counts(now: Date): Promise<TicketCounts> {
    const [statusRows, priorityRows, queueRows, breachRows] = await Promise.all([
      this.db.query(`SELECT status, count(*)::int AS count FROM tickets GROUP BY status`),
      this.db.query(`SELECT priority, count(*)::int AS count FROM tickets WHERE status IN ${ACTIVE_SQL} GROUP BY priority`),
      // Every queue, an empty one with 0 (as by_status lists every status); tickets without a queue last, when there are any.
      this.db.query(
        `SELECT q.id AS queue_id, q.name, count(t.id)::int AS count
           FROM queues q LEFT JOIN tickets t ON t.queue_id = q.id AND t.status IN ${ACTIVE_SQL}
          GROUP BY q.id, q.name
         UNION ALL
         SELECT NULL, NULL, count(*)::int FROM tickets t WHERE t.queue_id IS NULL AND t.status IN ${ACTIVE_SQL} HAVING count(*) > 0
         ORDER BY queue_id NULLS LAST`,
      ),
      this.db.query(
        `SELECT count(*) FILTER (WHERE ${runningClockSql('frt')} AND t.frt_deadline < $1)::int AS frt,
                count(*) FILTER (WHERE t.ttr_deadline < $1)::int AS ttr
           FROM tickets t WHERE t.status IN ${ACTIVE_SQL}`,
        [now],
      ),
    ]);
    return {
      byStatus: Object.fromEntries((statusRows as { status: string; count: number }[]).map((r) => [r.status, r.count])),
      byPriority: Object.fromEntries((priorityRows as { priority: string; count: number }[]).map((r) => [r.priority, r.count])),
      byQueue: (queueRows as { queue_id: number | null; name: string | null; count: number }[]).map((r) => ({
        queueId: r.queue_id,
        name: r.name,
        count: r.count,
      })),
      frtBreached: breachRows[0].frt,
      ttrBreached: breachRows[0].ttr,
    };
  }

  /** Medians and met/missed deadlines over tickets created in [from, to). */
  async windowStats(from: Date, to: Date): Promise<WindowStats> {
    const [row] = await this.db.query(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_response_at - created_at))
                FILTER (WHERE first_response_at IS NOT NULL) AS frt_median,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at))
                FILTER (WHERE resolved_at IS NOT NULL) AS ttr_median,
              count(*) FILTER (WHERE ${frtMetAtSql()} > t.frt_deadline)::int AS frt_missed,
              count(*) FILTER (WHERE t.resolved_at > t.ttr_deadline)::int AS ttr_missed
         FROM tickets t WHERE t.created_at >= $1 AND t.created_at < $2`,
      [from, to],
    );
    const seconds = (value: unknown) => (value === null ? null : Math.round(Number(value)));
    return {
      medianFirstResponseSeconds: seconds(row.frt_median),
      medianResolutionSeconds: seconds(row.ttr_median),
      frtBreachedInWindow: row.frt_missed,
      ttrBreachedInWindow: row.ttr_missed,
    };
  }

  /**
   * SLA outcomes of the tickets created in [from, to), overall, per queue and per agent: FRT met when
   * its clock stopped in time (frtMetAtSql), breached when it stopped late or still runs past the
   * deadline (no public agent reply yet, in any active status); TTR met by
   * resolving in time, breached by a late resolution or none yet past the deadline (unless paused).
   */
  async slaOutcomes(from: Date, to: Date): Promise<SlaOutcomeRow[]> {
    return this.db.query(
      `SELECT grouping(t.queue_id) = 0 AS by_queue, grouping(t.agent_id) = 0 AS by_agent,
              t.queue_id, q.name AS queue_name, t.agent_id, u.name AS agent_name,
              count(*) FILTER (WHERE ${frtMetAtSql()} <= t.frt_deadline)::int AS frt_met,
              count(*) FILTER (WHERE ${frtMetAtSql()} > t.frt_deadline
                OR (${runningClockSql('frt')} AND t.frt_deadline <= now()))::int AS frt_breached,
              count(*) FILTER (WHERE t.resolved_at <= t.ttr_deadline)::int AS ttr_met,
              count(*) FILTER (WHERE t.resolved_at > t.ttr_deadline
                OR (${runningClockSql('ttr')} AND t.ttr_deadline <= now()))::int AS ttr_breached
         FROM tickets t
         LEFT JOIN queues q ON q.id = t.queue_id
         LEFT JOIN users u ON u.id = t.agent_id
        WHERE t.created_at >= $1 AND t.created_at < $2
        GROUP BY GROUPING SETS ((), (t.queue_id, q.name), (t.agent_id, u.name))
        ORDER BY by_queue, by_agent, t.queue_id NULLS LAST, t.agent_id NULLS LAST`,
      [from, to],
    );
  }

  /**
   * The candidates for automatic assignment (assignableSql: active agents, and admins while online)
   * with their active-ticket load (in `queueId` and in all), last assignment and presence.
   */
  async agentLoads(queueId: number | null, manager: EntityManager): Promise<AgentLoad[]> {
    const rows: { agent_id: number; in_queue: number; total: number; last_assigned_at: Date | null; online: boolean; admin: boolean }[] = await manager.query(
      `SELECT u.id AS agent_id, u.role = 'admin' AS admin,
              count(t.id) FILTER (WHERE t.queue_id IS NOT DISTINCT FROM $1)::int AS in_queue,
              count(t.id)::int AS total,
              (SELECT max(e.created_at) FROM ticket_events e
                WHERE e.type = 'assignment' AND e.to_value = u.id::text) AS last_assigned_at,
              ${onlineSql('u')} AS online
         FROM users u
         LEFT JOIN tickets t ON t.agent_id = u.id AND t.status IN ${ACTIVE_SQL}
        WHERE ${assignableSql('u')}
        GROUP BY u.id`,
      [queueId],
    );
    return rows.map((r) => ({
      agentId: r.agent_id,
      activeInQueue: r.in_queue,
      activeTotal: r.total,
      lastAssignedAt: r.last_assigned_at,
      online: r.online,
      admin: r.admin,
    }));
  }

  /**
   * The oldest active ticket nobody holds, locked; skipped if another transaction holds it. A
   * ticket that a person took off its agent (its last assignment change set nobody, by someone)
   * is not in the pool: it waits for someone to assign it, or for a reopening. Nor is a live chat
   * the bot holds (domain botHolds); one it handed over only when `onlineAgentHasRoom`.
   */
  claimOldestUnassigned(manager: EntityManager, onlineAgentHasRoom: boolean): Promise<TicketEntity | null> {
    return this.tickets(manager)
      .createQueryBuilder('t')
      .where('t.agent_id IS NULL')
      .andWhere({ status: In([...ACTIVE_STATUSES]) })
      .andWhere(`(t.bot_state IS NULL OR (t.bot_state = 'active' AND t.first_response_at IS NOT NULL) OR (t.bot_state = 'handed_off' AND :online))`, {
        online: onlineAgentHasRoom,
      })
      .andWhere(
        `(SELECT e.to_value IS NULL AND e.actor_id IS NOT NULL FROM ticket_events e
           WHERE e.ticket_id = t.id AND e.type = 'assignment' ORDER BY e.id DESC LIMIT 1) IS NOT TRUE`,
      )
      .orderBy('t.created_at', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .limit(1)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getOne();
  }

  /**
   * Serialises automatic assignments across instances until `manager`'s transaction ends, so two
   * never fill the same last slot.
   */
  async lockAssignment(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [AdvisoryLock.ASSIGNMENT]);
  }
}
