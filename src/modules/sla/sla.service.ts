import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '#src/common/errors/app-error.js';
import { DEFAULT_LIMIT, decodeCursor, type PaginationQueryDto, toPage } from '#src/common/pagination/pagination.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { AppConfig } from '#src/config/app-config.js';
import {
  addWorkingMinutes,
  type BusinessCalendar,
  calendarProblems,
  type IsoWeekday,
  type WorkingPeriod,
} from '#src/modules/sla/domain/business-hours.js';
import { clockDeadline, type TicketClockInput, ticketSlaView, type TicketSlaView } from '#src/modules/sla/domain/sla-clock.js';
import { PRIORITY_ORDER, resolutionTimeline } from '#src/modules/sla/domain/sla-timeline.js';
import {
  type BusinessCalendarPageDto,
  type BusinessCalendarResponseDto,
  type PutBusinessCalendarDto,
  type PutSlaPolicyDto,
  type SlaPolicyPageDto,
  type SlaPolicyResponseDto,
  toCalendarResponse,
  toPolicyResponse,
  WEEKDAYS,
} from '#src/modules/sla/dto/sla.dto.js';
import { type ClockTicket, type PolicyRow, SlaRepository } from '#src/modules/sla/sla.repository.js';

const RECOMPUTE_BATCH = 500;
/** How often an instance re-reads the policies (changes made on this instance apply at once). */
const POLICY_CACHE_MS = 5_000;
const PAUSING_STATUS = 'waiting_customer';
const PERIOD = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/;

/** A policy with its calendar resolved: what the deadline math needs. */
export interface ResolvedPolicy {
  policy: PolicyRow;
  calendar: BusinessCalendar | null;
}

/**
 * SLA policies and business calendars, and the deadlines they give: for a new ticket, and again for
 * every open ticket when a policy, a calendar or the ticket's own state changes.
 */
@Injectable()
export class SlaService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SlaService.name);
  private cached: Map<string, ResolvedPolicy> | null = null;
  private loading: Promise<Map<string, ResolvedPolicy>> | null = null;
  private refresher: NodeJS.Timeout | null = null;

  constructor(
    private readonly sla: SlaRepository,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** A new database gets a policy per priority from the SLA_* settings; existing policies stay. */
  async onApplicationBootstrap(): Promise<void> {
    await this.sla.seedPolicies(
      PRIORITY_ORDER.map((priority) => ({ priority, ...this.config.slaDefaults[priority] })),
    );
    await this.refreshPolicies();
    // Other instances' policy changes arrive within POLICY_CACHE_MS; no request ever waits for it.
    this.refresher = setInterval(() => {
      this.refreshPolicies().catch((error: unknown) => this.logger.warn({ err: error }, 'Could not refresh the SLA policies'));
    }, POLICY_CACHE_MS).unref();
  }

  onModuleDestroy(): void {
    if (this.refresher) clearInterval(this.refresher);
  }

  /**
   * Both deadlines of a ticket opened at `createdAt` with `priority`, under its policy (and calendar).
   * Reads this instance's copy of the policies, at most POLICY_CACHE_MS old: a create costs no query.
   */
  async deadlinesFor(priority: string, createdAt: Date): Promise<{ frtDeadline: Date; ttrDeadline: Date }> {
    const resolved = (await this.policies()).get(priority);
    if (!resolved) throw new Error(`No SLA policy for priority ${priority}`);
    return {
      frtDeadline: addWorkingMinutes(createdAt, resolved.policy.frtMinutes, resolved.calendar),
      ttrDeadline: addWorkingMinutes(createdAt, resolved.policy.ttrMinutes, resolved.calendar),
    };
  }

  /**
   * The `sla` block of a ticket response at this moment (states, met times; paused per its policy),
   * from this instance's copy of the policies.
   */
  readonly view = (ticket: TicketClockInput & { priority: string }): TicketSlaView => {
    const pauses = this.cached?.get(ticket.priority)?.policy.pauseWhileWaiting ?? false;
    return ticketSlaView(ticket, new Date(), this.config.slaWarningMinutes, pauses);
  };

  /** The policies: this instance's copy, refreshed every POLICY_CACHE_MS and at once after a change here. */
  private async policies(): Promise<Map<string, ResolvedPolicy>> {
    return this.cached ?? this.refreshPolicies();
  }

  private refreshPolicies(): Promise<Map<string, ResolvedPolicy>> {
    this.loading ??= this.resolvedPolicies()
      .then((policies) => {
        this.cached = policies;
        return policies;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  /**
   * The policies, urgent first, in the list shape of every list. There are only ever four, but
   * `?limit=` and `?cursor=` work as elsewhere: the cursor is a policy's place in that order.
   */
  async listPolicies(query: PaginationQueryDto): Promise<SlaPolicyPageDto> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : 0;
    const ranked = (await this.sla.listPolicies()).map((policy, index) => ({ policy, rank: index + 1 }));
    return toPage(ranked.filter((row) => row.rank > after).slice(0, limit + 1), limit, (row) => toPolicyResponse(row.policy), (row) => [row.rank]);
  }

  /** Replaces a priority's policy and moves the deadlines of its open tickets to follow. */
  async putPolicy(priority: string, dto: PutSlaPolicyDto): Promise<SlaPolicyResponseDto> {
    const updated = await this.sla.updatePolicy(priority, {
      frtMinutes: dto.frt_minutes,
      ttrMinutes: dto.ttr_minutes,
      calendarId: dto.calendar_id,
      pauseWhileWaiting: dto.pause_while_waiting,
      breachNotifyAdmins: dto.escalation?.notify_admins,
      breachRaisePriority: dto.escalation?.raise_priority,
      breachUnassign: dto.escalation?.unassign,
      breachQueueId: dto.escalation?.queue_id,
    });
    if (!updated) throw new AppError(ErrorCode.NOT_FOUND, 'No policy for this priority');
    await this.recompute({ priority });
    return toPolicyResponse(updated);
  }

  /** Calendars in id order, a page at a time: an install may keep one per office and region. */
  async listCalendars(query: PaginationQueryDto): Promise<BusinessCalendarPageDto> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : 0;
    return toPage(await this.sla.pageCalendars(afterId, limit), limit, toCalendarResponse, (calendar) => [calendar.id]);
  }

  async getCalendar(id: number): Promise<BusinessCalendarResponseDto> {
    const calendar = await this.sla.findCalendar(id);
    if (!calendar) throw calendarNotFound();
    return toCalendarResponse(calendar);
  }

  async createCalendar(dto: PutBusinessCalendarDto): Promise<BusinessCalendarResponseDto> {
    return toCalendarResponse(await this.sla.insertCalendar(toCalendar(dto)));
  }

  /** Replaces a calendar; the open tickets of every policy that uses it follow. */
  async putCalendar(id: number, dto: PutBusinessCalendarDto): Promise<BusinessCalendarResponseDto> {
    const updated = await this.sla.updateCalendar(id, toCalendar(dto));
    if (!updated) throw calendarNotFound();
    await this.recompute({ calendarId: id });
    return toCalendarResponse(updated);
  }

  async deleteCalendar(id: number): Promise<void> {
    if (!(await this.sla.deleteCalendar(id))) throw calendarNotFound();
  }

  /** The policies with their calendars, keyed by priority. */
  private async resolvedPolicies(): Promise<Map<string, ResolvedPolicy>> {
    const [policies, calendars] = await Promise.all([this.sla.listPolicies(), this.sla.listCalendars()]);
    const byId = new Map(calendars.map((calendar) => [calendar.id, calendar]));
    return new Map(policies.map((policy) => [policy.priority, { policy, calendar: policy.calendarId === null ? null : (byId.get(policy.calendarId) ?? null) }]));
  }

  /**
   * Open tickets' deadlines after a change to them (priority, a status change that pauses, resumes
   * or reopens their clocks), in the caller's transaction after its history rows are written, in one
   * read and one write however many; resolved and closed tickets keep theirs (absent from the map).
   */
  async recomputeTickets(ticketIds: number[], manager: EntityManager): Promise<Map<number, { frtDeadline: Date; ttrDeadline: Date }>> {
    const tickets = await this.sla.findRunningClocks({ ticketIds }, 0, ticketIds.length, manager);
    const policies = await this.policies();
    const updates = deadlineUpdates(tickets, policies);
    await this.sla.setDeadlines(updates, manager);
    return new Map(updates.map((u) => [u.id, { frtDeadline: u.frt, ttrDeadline: u.ttr }]));
  }

  /**
   * Recomputes the deadlines of open tickets (all of a priority, all under a calendar, or one), in
   * batches of their own short transactions, so the table is never locked as a whole. A ticket whose
   * resolution clock is paused keeps its stored TTR deadline until the pause ends.
   */
  async recompute(filter: { priority?: string; calendarId?: number; ticketIds?: number[] }): Promise<number> {
    // Read fresh (a change was just made) and keep the result as this instance's copy.
    const policies = await this.resolvedPolicies();
    this.cached = policies;
    let afterId = 0;
    let changed = 0;
    for (;;) {
      const tickets = await this.sla.findRunningClocks(filter, afterId, RECOMPUTE_BATCH);
      if (tickets.length === 0) break;
      changed += await this.sla.setDeadlines(deadlineUpdates(tickets, policies));
      afterId = tickets[tickets.length - 1].id;
      if (tickets.length < RECOMPUTE_BATCH) break;
    }
    if (changed > 0) this.logger.log({ ...filter, changed }, 'SLA deadlines recomputed');
    return changed;
  }
}

/** A ticket's deadlines under its policy, rebuilt from its creation and status history. */
function deadlinesOf(ticket: ClockTicket, { policy, calendar }: ResolvedPolicy): { frt: Date; ttr: Date } {
  const frt = addWorkingMinutes(ticket.createdAt, policy.frtMinutes, calendar);
  const timeline = resolutionTimeline(ticket.createdAt, ticket.changes, policy.pauseWhileWaiting ? PAUSING_STATUS : null);
  const clock = clockDeadline(timeline.start, policy.ttrMinutes, calendar, timeline.pauses);
  return { frt, ttr: clock.deadline ?? ticket.ttrDeadline };
}

/** The new deadlines of these tickets, each under its priority's policy (a ticket without one keeps its own). */
function deadlineUpdates(tickets: ClockTicket[], policies: Map<string, ResolvedPolicy>): { id: number; frt: Date; ttr: Date }[] {
  return tickets.flatMap((ticket) => {
    const resolved = policies.get(ticket.priority);
    return resolved ? [{ id: ticket.id, ...deadlinesOf(ticket, resolved) }] : [];
  });
}

const calendarNotFound = () => new AppError(ErrorCode.NOT_FOUND, 'Calendar not found');

/** The request's calendar in the domain's terms, or a 422 naming what is wrong. */
function toCalendar(dto: PutBusinessCalendarDto): Omit<BusinessCalendar, never> & { name: string } {
  const problems: string[] = [];
  const weekly: Partial<Record<IsoWeekday, WorkingPeriod[]>> = {};
  for (const [day, periods] of Object.entries(dto.working_hours)) {
    const index = WEEKDAYS.indexOf(day as (typeof WEEKDAYS)[number]);
    if (index < 0) {
      problems.push(`working_hours: "${day}" is not a weekday (mon … sun)`);
      continue;
    }
    if (!Array.isArray(periods) || periods.length > 10 || !periods.every((p) => typeof p === 'string' && PERIOD.test(p))) {
      problems.push(`working_hours.${day}: must be a list of up to 10 "HH:mm-HH:mm" periods`);
      continue;
    }
    weekly[(index + 1) as IsoWeekday] = (periods as string[]).map((p) => {
      const [, start, end] = PERIOD.exec(p)!;
      return { start, end };
    });
  }
  const calendar = { name: dto.name, timeZone: dto.time_zone, weekly, holidays: [...new Set(dto.holidays ?? [])].sort() };
  if (problems.length === 0) problems.push(...calendarProblems(calendar).map((p) => p.replace(/^weekly(\.(\d))?/, (_, _d, n?: string) => (n ? `working_hours.${WEEKDAYS[Number(n) - 1]}` : 'working_hours'))));
  if (problems.length > 0) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'The calendar is not usable', problems.map((problem) => ({ field: problem.split(':')[0], problems: [problem] })));
  }
  return calendar;
}
