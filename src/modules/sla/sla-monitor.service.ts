import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainEventPublisher } from '#src/common/events/domain-event.publisher.js';
import { InTransactionHooks } from '#src/common/events/in-transaction-hooks.js';
import { I18nService } from '#src/common/i18n/i18n.service.js';
import { AppConfig } from '#src/config/app-config.js';
import { MetricsService } from '#src/modules/metrics/metrics.service.js';
import { dueSlaEvent, type DueSlaEvent, type SlaKind } from '#src/modules/sla/domain/sla-clock.js';
import { formatSlaLogLine } from '#src/modules/sla/domain/sla-log-line.js';
import { escalates, type EscalationPlan, planEscalation } from '#src/modules/sla/domain/escalation.js';
import type {} from '#src/modules/sla/sla.events.js'; // DomainEvents entries (types only)
import { type DueTicket, type Keyset, SlaRepository } from '#src/modules/sla/sla.repository.js';

const BATCH = 500;
const KINDS: readonly SlaKind[] = ['frt', 'ttr'];

export interface MonitorResult {
  warnings: number;
  breaches: number;
  failed: number;
  /** Nothing new and nothing at risk: the run logged "All SLA deadlines are met for all tickets". */
  allMet: boolean;
}

/**
 * The minute job's work: every running clock inside its warning window or past its deadline gets its
 * warning or breach recorded exactly once (a unique `sla_events` row, so any number of instances,
 * restarts and re-runs record each once), then logged, counted, published and, for a breach,
 * escalated as its policy says. Each ticket is its own short transaction; one bad row is logged and
 * skipped, never stopping the batch.
 */
@Injectable()
export class SlaMonitorService {
  private readonly logger = new Logger(SlaMonitorService.name);
  private readonly eventsCounter: Counter<'kind' | 'type'>;

  constructor(
    private readonly sla: SlaRepository,
    private readonly events: DomainEventPublisher,
    private readonly config: AppConfig,
    private readonly i18n: I18nService,
    @InjectDataSource() private readonly db: DataSource,
    private readonly hooks: InTransactionHooks,
    metrics: MetricsService,
  ) {
    this.eventsCounter = new Counter({
      name: 'sla_events_total',
      help: 'SLA warnings and breaches recorded, by kind (frt, ttr) and type (warning, breached)',
      labelNames: ['kind', 'type'] as const,
      registers: [metrics.registry],
    });
  }

  async run(now: Date): Promise<MonitorResult> {
    const result: MonitorResult = { warnings: 0, breaches: 0, failed: 0, allMet: false };
    const horizon = new Date(now.getTime() + this.config.slaWarningMinutes * 60_000);
    const policies = new Map((await this.sla.listPolicies()).map((policy) => [policy.priority, policy]));
    const count = (event: DueSlaEvent) => (event.type === 'warning' ? result.warnings++ : result.breaches++);
    for (const kind of KINDS) {
      let after: Keyset | null = null;
      for (;;) {
        const due = await this.sla.findDue(kind, now, horizon, after, BATCH);
        const plain: Array<[DueTicket, DueSlaEvent]> = [];
        const escalating: Array<[DueTicket, DueSlaEvent, EscalationPlan]> = [];
        for (const ticket of due) {
          const event = dueSlaEvent(kind, { deadline: ticket.deadline, metAt: null, paused: false }, now, this.config.slaWarningMinutes);
          if (!event) continue;
          const policy = policies.get(ticket.priority);
          const plan = event.type === 'breached' && policy ? planEscalation(policy, ticket) : null;
          if (plan && escalates(plan)) escalating.push([ticket, event, plan]);
          else plain.push([ticket, event]);
        }
        for (const [ticket, event] of await this.recordPlain(plain, result)) {
          count(event);
          this.announce(ticket, event, [], [], now);
        }
        for (const [ticket, event, plan] of escalating) {
          try {
            if (await this.recordEscalating(ticket, event, plan, now)) count(event);
          } catch (error) {
            result.failed++;
            this.logger.error({ err: error, ticketId: ticket.id, kind }, 'Could not record an SLA breach; the next run retries');
          }
        }
        if (due.length < BATCH) break;
        after = { deadline: due[due.length - 1].deadline, id: due[due.length - 1].id };
      }
    }
    if (result.warnings + result.breaches + result.failed === 0 && (await this.sla.countAtRisk(horizon)) === 0) {
      result.allMet = true;
      this.logger.log(this.i18n.t('sla.all_met'));
    }
    return result;
  }

  /**
   * Warnings and breaches without escalation: one statement for the batch. Should it fail (a ticket
   * deleted meanwhile), each is retried alone, so one bad row never stops the others.
   */
  private async recordPlain(items: Array<[DueTicket, DueSlaEvent]>, result: MonitorResult): Promise<Array<[DueTicket, DueSlaEvent]>> {
    try {
      const fresh = await this.record(items);
      return items.filter(([ticket]) => fresh.has(ticket.id));
    } catch {
      const recorded: Array<[DueTicket, DueSlaEvent]> = [];
      for (const item of items) {
        try {
          if ((await this.record([item])).size > 0) recorded.push(item);
        } catch (error) {
          result.failed++;
          this.logger.error({ err: error, ticketId: item[0].id, kind: item[1].kind }, 'Could not record an SLA event; the next run retries');
        }
      }
      return recorded;
    }
  }

  /** A breach whose policy escalates: recorded and escalated in one short transaction; false if recorded before. */
  private async recordEscalating(ticket: DueTicket, event: DueSlaEvent, plan: EscalationPlan, now: Date): Promise<boolean> {
    const escalation: string[] = [];
    const recorded = await this.db.transaction(async (manager) => {
      const fresh = await this.record([[ticket, event]], manager);
      if (fresh.size === 0) return false;
      const { raiseTo, moveTo, unassign } = plan;
      const before = await this.sla.escalate(manager, ticket.id, { priority: raiseTo ?? undefined, queueId: moveTo ?? undefined, unassign });
      if (!before) return true;
      if (raiseTo !== null) {
        await this.sla.appendHistory(manager, ticket.id, 'priority', before.priority, raiseTo);
        escalation.push('raise_priority');
      }
      if (moveTo !== null) {
        await this.sla.appendHistory(manager, ticket.id, 'queue', before.queueId === null ? null : String(before.queueId), String(moveTo));
        escalation.push('move_queue');
      }
      if (unassign && before.agentId !== null) {
        await this.sla.appendHistory(manager, ticket.id, 'assignment', String(before.agentId), null);
        escalation.push('unassign');
      }
      for (const action of escalation) await this.sla.appendHistory(manager, ticket.id, 'sla_escalation', event.kind, action);
      // The tickets module turns it into ticket.changed (webhooks hear of the changes like any other).
      if (escalation.length > 0) await this.hooks.run('sla.escalated', manager, { ticketId: ticket.id, before });
      return true;
    });
    if (recorded) this.announce(ticket, event, escalation, plan.notifyAdmins ? await this.sla.activeAdminIds() : [], now);
    return recorded;
  }

  /**
   * Records warnings and breaches (each once); returns the tickets whose event is new. With an
   * `sla.recorded` hook (webhooks) the new ones are handed to it in the same transaction.
   */
  private async record(items: Array<[DueTicket, DueSlaEvent]>, manager?: EntityManager): Promise<Set<number>> {
    const rows = items.map(([ticket, event]) => ({ ticketId: ticket.id, ...event }));
    if (!this.hooks.has('sla.recorded')) return this.sla.recordEvents(rows, manager);
    const recordHooked = async (tx: EntityManager) => {
      const fresh = await this.sla.recordEvents(rows, tx);
      const alerts = items
        .filter(([ticket]) => fresh.has(ticket.id))
        .map(([ticket, event]) => ({ ticket_id: ticket.id, kind: event.kind, type: event.type, deadline: event.deadline.toISOString(), minutes_left: event.minutesLeft }));
      if (alerts.length > 0) await this.hooks.run('sla.recorded', tx, { alerts });
      return fresh;
    };
    return manager ? recordHooked(manager) : this.db.transaction(recordHooked);
  }

  private announce(ticket: DueTicket, event: DueSlaEvent, escalation: string[], notifyUserIds: number[], now: Date): void {
    this.eventsCounter.inc({ kind: event.kind, type: event.type });
    const line = formatSlaLogLine(this.i18n.locale, { ticketId: ticket.id, title: ticket.title, kind: event.kind, alert: event.type, deadline: event.deadline }, now);
    if (event.type === 'warning') this.logger.warn(line);
    else this.logger.error(line);
    const payload = {
      ticket_id: ticket.id,
      kind: event.kind,
      deadline: event.deadline.toISOString(),
      minutes_left: event.minutesLeft,
      agentId: ticket.agentId,
    };
    this.events.publish(event.type === 'warning' ? 'sla.warning' : 'sla.breached', { ...payload, escalation, notifyUserIds });
  }
}
