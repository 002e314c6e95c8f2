import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { conflictOnUnique, isReferenceViolation } from '#src/common/database/pg-errors.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import type { BusinessCalendar } from '#src/modules/sla/domain/business-hours.js';
import type { SlaKind } from '#src/modules/sla/domain/sla-clock.js';
import type { StatusChange } from '#src/modules/sla/domain/sla-timeline.js';

export interface CalendarRow extends BusinessCalendar {
  id: number;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface PolicyRow {
  priority: string;
  frtMinutes: number;
  ttrMinutes: number;
  calendarId: number | null;
  pauseWhileWaiting: boolean;
  breachNotifyAdmins: boolean;
  breachRaisePriority: boolean;
  breachUnassign: boolean;
  breachQueueId: number | null;
  updatedAt: Date;
}

export type PolicyChanges = Partial<Omit<PolicyRow, 'priority' | 'updatedAt'>>;

/** A ticket whose deadline falls inside the warning window and whose due event is not recorded yet. */
export interface DueTicket {
  id: number;
  title: string;
  priority: string;
  agentId: number | null;
  queueId: number | null;
  deadline: Date;
}

/** What a deadline recompute needs of an open ticket. */
export interface ClockTicket {
  id: number;
  priority: string;
  status: string;
  createdAt: Date;
  frtDeadline: Date;
  ttrDeadline: Date;
  changes: StatusChange[];
}

export interface Keyset {
  deadline: Date;
  id: number;
}

const OPEN_STATUSES = `('open', 'in_progress', 'waiting_customer')`;

/**
 * SQL: ticket `t`'s `kind` clock is running, as the minute job, the ticket list's `sla_state` and the
 * stats all see it: FRT while the ticket is active (in any of its active statuses) and has no public
 * agent reply yet (domain frtMetAt); TTR while it is active, unless its policy pauses it in
 * waiting_customer.
 */
export function runningClockSql(kind: SlaKind, t = 't'): string {
  return kind === 'frt'
    ? `${t}.status IN ${OPEN_STATUSES} AND ${t}.first_response_at IS NULL`
    : `${t}.status IN ${OPEN_STATUSES} AND NOT (${t}.status = 'waiting_customer' AND EXISTS (
         SELECT 1 FROM sla_policies p WHERE p.priority = ${t}.priority AND p.pause_while_waiting))`;
}

/**
 * SQL: when ticket `t`'s FRT clock stopped (NULL while it runs): the first public agent reply, or
 * resolving / closing before one, whichever came first (domain frtMetAt; LEAST skips NULLs).
 */
export function frtMetAtSql(t = 't'): string {
  return `LEAST(${t}.first_response_at, CASE WHEN ${t}.status NOT IN ${OPEN_STATUSES} THEN ${t}.resolved_at END)`;
}

/** SQL: a running clock of ticket `t` whose deadline column meets `condition` (FRT or TTR). */
export function anyRunningClockSql(condition: (deadline: string) => string): string {
  return `((${runningClockSql('frt')} AND ${condition('t.frt_deadline')}) OR (${runningClockSql('ttr')} AND ${condition('t.ttr_deadline')}))`;
}

const CALENDAR_COLUMNS = `id, name, time_zone AS "timeZone", weekly, to_json(holidays) AS holidays, created_at AS "createdAt", updated_at AS "updatedAt"`;
const POLICY_COLUMNS = `priority, frt_minutes AS "frtMinutes", ttr_minutes AS "ttrMinutes", calendar_id AS "calendarId",
  pause_while_waiting AS "pauseWhileWaiting", breach_notify_admins AS "breachNotifyAdmins",
  breach_raise_priority AS "breachRaisePriority", breach_unassign AS "breachUnassign", breach_queue_id AS "breachQueueId",
  updated_at AS "updatedAt"`;
const POLICY_FIELDS: Record<keyof PolicyChanges, string> = {
  frtMinutes: 'frt_minutes',
  ttrMinutes: 'ttr_minutes',
  calendarId: 'calendar_id',
  pauseWhileWaiting: 'pause_while_waiting',
  breachNotifyAdmins: 'breach_notify_admins',
  breachRaisePriority: 'breach_raise_priority',
  breachUnassign: 'breach_unassign',
  breachQueueId: 'breach_queue_id',
};

/** The SLA module's queries: its own tables, and the ticket columns and history its clocks read. */
@Injectable()
export class SlaRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Adds the policies a new database lacks (from the SLA_* settings); an existing one is never touched. */
  async seedPolicies(policies: Array<{ priority: string; frtMinutes: number; ttrMinutes: number }>): Promise<void> {
    await this.db.query(
      `INSERT INTO sla_policies (priority, frt_minutes, ttr_minutes)
       SELECT * FROM unnest($1::varchar[], $2::int[], $3::int[]) ON CONFLICT (priority) DO NOTHING`,
      [policies.map((p) => p.priority), policies.map((p) => p.frtMinutes), policies.map((p) => p.ttrMinutes)],
    );
  }

  listPolicies(): Promise<PolicyRow[]> {
    return this.db.query(`SELECT ${POLICY_COLUMNS} FROM sla_policies ORDER BY array_position(ARRAY['urgent','high','medium','low'], priority::text)`);
  }

  async updatePolicy(priority: string, changes: PolicyChanges, manager?: EntityManager): Promise<PolicyRow | null> {
    const sets = Object.entries(changes)
      .filter(([, value]) => value !== undefined)
      .map(([field, value], i) => ({ sql: `${POLICY_FIELDS[field as keyof PolicyChanges]} = $${i + 2}`, value }));
    try {
      const [rows] = (await (manager ?? this.db).query(
        `UPDATE sla_policies SET ${[...sets.map((s) => s.sql), 'updated_at = now()'].join(', ')} WHERE priority = $1 RETURNING ${POLICY_COLUMNS}`,
        [priority, ...sets.map((s) => s.value)],
      )) as [PolicyRow[], number];
      return rows[0] ?? null;
    } catch (error) {
      if (isReferenceViolation(error)) {
        throw new AppError(ErrorCode.VALIDATION_FAILED, 'No such calendar or queue', [
          { field: changes.calendarId !== undefined ? 'calendar_id' : 'breach_queue_id', problems: ['must name an existing one'] },
        ]);
      }
      throw error;
    }
  }

  listCalendars(): Promise<CalendarRow[]> {
    return this.db.query(`SELECT ${CALENDAR_COLUMNS} FROM business_calendars ORDER BY id`);
  }

  /** Up to `limit + 1` calendars in id order after `afterId`: one page of the list. */
  pageCalendars(afterId: number, limit: number): Promise<CalendarRow[]> {
    return this.db.query(`SELECT ${CALENDAR_COLUMNS} FROM business_calendars WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit + 1]);
  }

  async findCalendar(id: number): Promise<CalendarRow | null> {
    const rows: CalendarRow[] = await this.db.query(`SELECT ${CALENDAR_COLUMNS} FROM business_calendars WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  async insertCalendar(calendar: Omit<CalendarRow, 'id' | 'createdAt' | 'updatedAt'>): Promise<CalendarRow> {
    try {
      const rows: CalendarRow[] = await this.db.query(
        `INSERT INTO business_calendars (name, time_zone, weekly, holidays) VALUES ($1, $2, $3, $4::date[]) RETURNING ${CALENDAR_COLUMNS}`,
        [calendar.name, calendar.timeZone, JSON.stringify(calendar.weekly), calendar.holidays],
      );
      return rows[0];
    } catch (error) {
      throw nameTaken(error);
    }
  }

  async updateCalendar(id: number, calendar: Omit<CalendarRow, 'id' | 'createdAt' | 'updatedAt'>, manager?: EntityManager): Promise<CalendarRow | null> {
    try {
      const [rows] = (await (manager ?? this.db).query(
        `UPDATE business_calendars SET name = $2, time_zone = $3, weekly = $4, holidays = $5::date[], updated_at = now()
         WHERE id = $1 RETURNING ${CALENDAR_COLUMNS}`,
        [id, calendar.name, calendar.timeZone, JSON.stringify(calendar.weekly), calendar.holidays],
      )) as [CalendarRow[], number];
      return rows[0] ?? null;
    } catch (error) {
      throw nameTaken(error);
    }
  }

  /** False when there was no such calendar; 409 while a policy still uses it. */
  async deleteCalendar(id: number): Promise<boolean> {
    try {
      const [, count] = (await this.db.query(`DELETE FROM business_calendars WHERE id = $1`, [id])) as [unknown, number];
      return count > 0;
    } catch (error) {
      if (isReferenceViolation(error)) {
        throw new AppError(ErrorCode.CONFLICT, 'A policy still uses this calendar: point it elsewhere first');
      }
      throw error;
    }
  }

  /**
   * Up to `limit` tickets whose `kind` deadline is at or before `horizon` (now + the warning offset),
   * still running, and without the event due at `now` recorded; in deadline order after `after`. One
   * range scan of a partial index: the work grows with the tickets that are due, not with the table.
   */
  findDue(kind: SlaKind, now: Date, horizon: Date, after: Keyset | null, limit: number): Promise<DueTicket[]> {
    const column = kind === 'frt' ? 't.frt_deadline' : 't.ttr_deadline';
    const running = runningClockSql(kind);
    // The recorded-event check is a LATERAL probe of the unique index, one per candidate in deadline
    // order, so the cost follows the tickets due, never the size of sla_events.
    return this.db.query(
      `SELECT t.id, t.title, t.priority, t.agent_id AS "agentId", t.queue_id AS "queueId", ${column} AS deadline
       FROM tickets t
       LEFT JOIN LATERAL (
         SELECT 1 AS found FROM sla_events e
         WHERE e.ticket_id = t.id AND e.kind = $1 AND e.deadline = ${column}
           AND e.type = CASE WHEN ${column} <= $3 THEN 'breached' ELSE 'warning' END
         LIMIT 1) recorded ON true
       WHERE ${running} AND ${column} <= $2
         AND ($4::timestamptz IS NULL OR (${column}, t.id) > ($4, $5))
         AND recorded.found IS NULL
       ORDER BY ${column}, t.id
       LIMIT $6`,
      [kind, horizon, now, after?.deadline ?? null, after?.id ?? 0, limit],
    );
  }

  /** How many running clocks are in their warning window or past their deadline at `now`. */
  async countAtRisk(horizon: Date): Promise<number> {
    const [row] = (await this.db.query(
      `SELECT (SELECT count(*) FROM tickets t WHERE ${runningClockSql('frt')} AND t.frt_deadline <= $1)
            + (SELECT count(*) FROM tickets t WHERE ${runningClockSql('ttr')} AND t.ttr_deadline <= $1) AS n`,
      [horizon],
    )) as { n: string }[];
    return Number(row.n);
  }

  /**
   * Records events once each, with a history row for each breach, in one statement; returns the
   * tickets whose event was new (the others were recorded before, by this or another instance).
   */
  async recordEvents(
    events: Array<{ ticketId: number; kind: SlaKind; type: 'warning' | 'breached'; deadline: Date; minutesLeft: number }>,
    manager?: EntityManager,
  ): Promise<Set<number>> {
    if (events.length === 0) return new Set();
    const rows: { ticket_id: number }[] = await (manager ?? this.db).query(
      `WITH recorded AS (
         INSERT INTO sla_events (ticket_id, kind, type, deadline, minutes_left)
         SELECT * FROM unnest($1::int[], $2::varchar[], $3::varchar[], $4::timestamptz[], $5::int[])
         ON CONFLICT ON CONSTRAINT sla_events_once_key DO NOTHING
         RETURNING ticket_id, kind, type),
       history AS (
         INSERT INTO ticket_events (ticket_id, actor_id, type, from_value, to_value)
         SELECT ticket_id, NULL, 'sla_breached', NULL, kind FROM recorded WHERE type = 'breached')
       SELECT ticket_id FROM recorded`,
      [
        events.map((e) => e.ticketId),
        events.map((e) => e.kind),
        events.map((e) => e.type),
        events.map((e) => e.deadline),
        events.map((e) => e.minutesLeft),
      ],
    );
    return new Set(rows.map((row) => row.ticket_id));
  }

  /** Appends a history row the SLA engine writes (actor: the system). */
  async appendHistory(manager: EntityManager, ticketId: number, type: string, from: string | null, to: string | null): Promise<void> {
    await manager.query(`INSERT INTO ticket_events (ticket_id, actor_id, type, from_value, to_value) VALUES ($1, NULL, $2, $3, $4)`, [
      ticketId,
      type,
      from,
      to,
    ]);
  }

  /** Applies a breach escalation to a ticket still running; returns what it was before, or null if it is done. */
  async escalate(
    manager: EntityManager,
    ticketId: number,
    change: { priority?: string; queueId?: number; unassign?: boolean },
  ): Promise<{ priority: string; queueId: number | null; agentId: number | null } | null> {
    const [before] = (await manager.query(
      `SELECT priority, queue_id AS "queueId", agent_id AS "agentId" FROM tickets WHERE id = $1 AND status IN ${OPEN_STATUSES} FOR UPDATE`,
      [ticketId],
    )) as { priority: string; queueId: number | null; agentId: number | null }[];
    if (!before) return null;
    await manager.query(
      `UPDATE tickets SET priority = coalesce($2, priority), queue_id = coalesce($3, queue_id),
         agent_id = CASE WHEN $4 THEN NULL ELSE agent_id END, updated_at = now() WHERE id = $1`,
      [ticketId, change.priority ?? null, change.queueId ?? null, change.unassign === true],
    );
    return before;
  }

  async activeAdminIds(): Promise<number[]> {
    const rows: { id: number }[] = await this.db.query(`SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id`);
    return rows.map((row) => row.id);
  }

  /** Up to `limit` running tickets after `afterId` (of one priority, using one calendar, or of these ids), with their status history. */
  findRunningClocks(filter: { priority?: string; calendarId?: number; ticketIds?: number[] }, afterId: number, limit: number, manager?: EntityManager): Promise<ClockTicket[]> {
    return (manager ?? this.db).query(
      `SELECT t.id, t.priority, t.status, t.created_at AS "createdAt", t.frt_deadline AS "frtDeadline", t.ttr_deadline AS "ttrDeadline",
         coalesce((SELECT json_agg(json_build_object('from', e.from_value, 'to', e.to_value, 'at', e.created_at) ORDER BY e.id)
                   FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'status'), '[]') AS changes
       FROM tickets t
       WHERE t.status IN ${OPEN_STATUSES} AND t.id > $1
         AND ($2::varchar IS NULL OR t.priority = $2)
         AND ($3::int IS NULL OR t.priority IN (SELECT priority FROM sla_policies WHERE calendar_id = $3))
         AND ($4::int[] IS NULL OR t.id = ANY($4))
       ORDER BY t.id LIMIT $5`,
      [afterId, filter.priority ?? null, filter.calendarId ?? null, filter.ticketIds ?? null, limit],
    ).then((rows: Array<ClockTicket & { changes: Array<{ from: string; to: string; at: string }> }>) =>
      rows.map((row) => ({ ...row, changes: row.changes.map((c) => ({ from: c.from, to: c.to, at: new Date(c.at) })) })),
    );
  }

  /** Writes new deadlines (only where they differ), in one statement. */
  async setDeadlines(updates: Array<{ id: number; frt: Date; ttr: Date }>, manager?: EntityManager): Promise<number> {
    if (updates.length === 0) return 0;
    const [, count] = (await (manager ?? this.db).query(
      `UPDATE tickets t SET frt_deadline = u.frt, ttr_deadline = u.ttr
       FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[]) AS u(id, frt, ttr)
       WHERE t.id = u.id AND (t.frt_deadline <> u.frt OR t.ttr_deadline <> u.ttr)`,
      [updates.map((u) => u.id), updates.map((u) => u.frt), updates.map((u) => u.ttr)],
    )) as [unknown, number];
    return count;
  }
}

function nameTaken(error: unknown): unknown {
  return conflictOnUnique(error, 'A calendar with this name already exists', [{ field: 'name' }]);
}
