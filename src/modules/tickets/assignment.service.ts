import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '#src/common/clock.js';
import { DomainEventPublisher } from '#src/common/events/domain-event.publisher.js';
import { InTransactionHooks } from '#src/common/events/in-transaction-hooks.js';
import { AppConfig } from '#src/config/app-config.js';
import { pickAgent } from '#src/modules/tickets/domain/pick-agent.js';
import { SlaService } from '#src/modules/sla/sla.service.js';
import { changedFields } from '#src/modules/tickets/domain/ticket-changes.js';
import { botHolds, isActive, needsOnlineAgent, planAssignment, type TicketPriority } from '#src/modules/tickets/domain/ticket-status.js';
import { toTicketResponse } from '#src/modules/tickets/dto/ticket.dto.js';
import { TicketEntity } from '#src/modules/tickets/ticket.entity.js';
import { TicketsRepository } from '#src/modules/tickets/tickets.repository.js';
import type {} from '#src/modules/sla/sla.events.js'; // InTransactionEvents entries (types only)
import type {} from '#src/modules/tickets/tickets.events.js'; // DomainEvents entries (types only)

/** A ticket as it was before an automatic assignment and as it is after. */
interface Assigned {
  before: TicketEntity;
  after: TicketEntity;
}

/** At most this many waiting tickets are given out per call (the rest on the next freed slot). */
const FILL_BATCH = 100;

/**
 * Automatic assignment, callable by any feature (tickets, bot hand-off, e-mail): a ticket goes to
 * the candidate with room and the fewest active tickets in its queue (see domain/pick-agent). The
 * candidates are active agents, and active admins while online (an admin can do all an agent can;
 * one who is not connected to the chat is never handed tickets): TicketsRepository.agentLoads.
 * A live chat the bot holds is left alone, and one it handed over goes only to an online candidate.
 * When nobody has room the ticket waits unassigned; `fillFreeSlots` hands out waiting tickets,
 * oldest first, whenever a slot may have freed or an agent appeared, and once a minute (AssignmentCron)
 * for what no event announces (a raised AGENT_CAPACITY, a slot freed while a ticket was being created).
 *
 * Both run after the caller's change is committed, so they never throw: a failure is logged and
 * the next sweep gives the ticket out; the caller's answer stays the committed truth.
 */
@Injectable()
export class AssignmentService implements OnModuleInit {
  private readonly logger = new Logger(AssignmentService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly tickets: TicketsRepository,
    private readonly events: DomainEventPublisher,
    private readonly clock: Clock,
    private readonly sla: SlaService,
    private readonly hooks: InTransactionHooks,
  ) {}

  /**
   * Gives this ticket to an agent if it is active, unassigned and someone has room. Returns the
   * ticket as it stands when it holds an agent, whether this call gave it out or another got there
   * first (a sweep, or an agent's arrival, handing out waiting tickets while this call waited for
   * the lock), so that a caller never answers with a stale "unassigned"; null when it stays unassigned.
   * `someoneHasRoom`, when the caller already knows, saves the first look. `atCreation`: the ticket
   * is being opened, and the contract answers a new ticket `status: "open"`, so a hand-out in the
   * same request leaves it open; every later hand-out (the sweep, a reopen) moves it to in_progress.
   */
  async autoAssign(candidate: Pick<TicketEntity, 'id' | 'queueId'>, someoneHasRoom?: boolean, atCreation = false): Promise<TicketEntity | null> {
    if (!this.config.autoAssign || someoneHasRoom === false) return null;
    try {
      if (someoneHasRoom === undefined && !(await this.anyoneHasRoom(candidate.queueId))) return null;
      const outcome = await this.dataSource.transaction(async (manager): Promise<{ given: Assigned | null; current: TicketEntity } | null> => {
        await this.tickets.lockAssignment(manager);
        const ticket = await this.tickets.lockById(candidate.id, manager);
        if (!ticket) return null;
        if (ticket.agentId !== null) return { given: null, current: ticket };
        if (!isActive(ticket.status) || botHolds(ticket)) return null;
        const given = await this.assignToBest(ticket, manager, !atCreation);
        return given && { given, current: given.after };
      });
      if (!outcome) return null;
      if (outcome.given) this.publishAssigned(outcome.given);
      return outcome.current;
    } catch (error) {
      this.logger.error({ err: error, ticketId: candidate.id }, 'Automatic assignment failed; the next sweep retries');
      return null;
    }
  }

  /** Hands waiting tickets, oldest first, to agents with room; stops when no one has room. */
  async fillFreeSlots(): Promise<number> {
    if (!this.config.autoAssign) return 0;
    let given = 0;
    try {
      if (!(await this.anyoneHasRoom(null))) return 0;
      while (given < FILL_BATCH) {
        const assigned = await this.dataSource.transaction(async (manager) => {
          await this.tickets.lockAssignment(manager);
          const onlineAgentHasRoom = pickAgent(await this.tickets.agentLoads(null, manager), this.config.agentCapacity, { onlineOnly: true }) !== null;
          const ticket = await this.tickets.claimOldestUnassigned(manager, onlineAgentHasRoom);
          return ticket ? this.assignToBest(ticket, manager) : null;
        });
        if (!assigned) break;
        this.publishAssigned(assigned);
        given += 1;
      }
    } catch (error) {
      this.logger.error({ err: error }, 'Giving out waiting tickets failed; the next sweep retries');
    }
    if (given > 0) this.logger.log({ given }, 'Gave waiting tickets to agents with free slots');
    return given;
  }

  @OnEvent('agent.available', { async: true, promisify: true })
  async agentAvailable(): Promise<void> {
    await this.fillFreeSlots();
  }

  /**
   * A lock-free first look: when no agent has room (or there are none) there is nothing to do,
   * and the common case under load skips the serialising lock entirely. A yes is re-checked
   * under the lock.
   */
  private async anyoneHasRoom(queueId: number | null): Promise<boolean> {
    return pickAgent(await this.tickets.agentLoads(queueId, this.dataSource.manager), this.config.agentCapacity) !== null;
  }

  private async assignToBest(ticket: TicketEntity, manager: EntityManager, moveStatus = true): Promise<Assigned | null> {
    const agentId = pickAgent(await this.tickets.agentLoads(ticket.queueId, manager), this.config.agentCapacity, { onlineOnly: needsOnlineAgent(ticket) });
    if (agentId === null) return null;
    return { before: ticket, after: await this.applyAssignment(manager, ticket, agentId, null, this.clock.now(), moveStatus) };
  }

  private publishAssigned({ before, after }: Assigned): void {
    this.announceAssignment(before, after, null);
  }

  /**
   * Gives a ticket locked in `manager`'s transaction to `agentId` (null: nobody): its changes, its
   * history rows by `actorId`, and the ticket.changed hooks. Announce it with `announceAssignment`
   * once committed. Manual, bulk-free and automatic assignment all go through here.
   */
  async applyAssignment(manager: EntityManager, current: TicketEntity, agentId: number | null, actorId: number | null, now: Date, moveStatus = true): Promise<TicketEntity> {
    const plan = planAssignment(current, agentId, now, moveStatus);
    const updated = await this.tickets.update(current, plan.changes, manager);
    await this.tickets.insertEvents(plan.events.map((e) => ({ ...e, ticketId: current.id, actorId, createdAt: now })), manager);
    await this.runChangedHooks(manager, current, updated, actorId);
    return updated;
  }

  /** An SLA escalation's changes (made by the SLA module, which knows no tickets) go to the ticket.changed hooks too. */
  onModuleInit(): void {
    this.hooks.on('sla.escalated', {
      run: async (manager, { ticketId, before }) => {
        if (!this.hooks.has('ticket.changed')) return;
        const after = await this.tickets.findById(ticketId, manager);
        if (!after) return;
        const was = Object.assign(new TicketEntity(), after, { priority: before.priority as TicketPriority, queueId: before.queueId, agentId: before.agentId });
        await this.runChangedHooks(manager, was, after, null);
      },
    });
  }

  /** The ticket.changed in-transaction hooks (mail, webhooks), when a change moved any field. */
  async runChangedHooks(manager: EntityManager, before: TicketEntity, after: TicketEntity, actorId: number | null): Promise<void> {
    if (!this.hooks.has('ticket.changed')) return;
    const changes = changedFields(before, after);
    if (changes.length === 0) return;
    const previous = { status: before.status, agentId: before.agentId };
    await this.hooks.run('ticket.changed', manager, { ticket: toTicketResponse(after, this.sla.view), previous, changes, actorId });
  }

  /** After an assignment committed: `ticket.updated` when it moved the status, then `ticket.assigned`. */
  announceAssignment(before: TicketEntity, after: TicketEntity, actorId: number | null): void {
    const ticket = toTicketResponse(after, this.sla.view);
    if (before.status !== after.status) this.events.publish('ticket.updated', { ticket, changes: ['status'], actorId });
    this.events.publish('ticket.assigned', { ticket, agentId: after.agentId, previousAgentId: before.agentId, actorId });
  }
}
