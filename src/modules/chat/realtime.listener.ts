import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import type { DomainEvents } from '#src/common/events/domain-events.js';
import { customerViewMoved } from '#src/modules/chat/domain/customer-visible-changes.js';
import { sameValues } from '#src/modules/custom-fields/domain/custom-field-values.js';
import { RealtimePublisher, rooms } from '#src/modules/chat/realtime.publisher.js';
import type {} from '#src/modules/attachments/attachments.events.js'; // DomainEvents entries (types only)
import type {} from '#src/modules/auth/auth.events.js'; // DomainEvents entries (types only)
import type {} from '#src/modules/messages/messages.events.js'; // DomainEvents entries (types only)
import type {} from '#src/modules/ratings/ratings.events.js'; // DomainEvents entries (types only)
import type { SlaEventPayload } from '#src/modules/sla/sla.events.js'; // and DomainEvents entries
import { forCustomer, type TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';
import type {} from '#src/modules/tickets/tickets.events.js'; // DomainEvents entries (types only)
import type {} from '#src/modules/users/users.events.js'; // DomainEvents entries (types only)

/** Turns committed domain events into Socket.IO events for the rooms that should see them. */
@Injectable()
export class RealtimeListener {
  private readonly logger = new Logger(RealtimeListener.name);
  /**
   * Per ticket, the last of its room's pushes still waiting to go out: each push's customer view is
   * built at once (in parallel with every other), and only the emits wait, so a ticket's pushes keep
   * the order of its events while other tickets' pushes never wait on them. Emptied as they go.
   */
  private readonly roomPushes = new Map<number, Promise<void>>();

  constructor(
    private readonly realtime: RealtimePublisher,
    private readonly tickets: TicketsService,
  ) {}

  @OnEvent('ticket.created')
  ticketCreated({ ticket }: DomainEvents['ticket.created']): void {
    this.realtime.emit(rooms.agents, 'ticket:created', ticket);
  }

  @OnEvent('ticket.updated')
  ticketUpdated({ ticket, changes, previousCustomFields }: DomainEvents['ticket.updated']): void {
    this.realtime.emit(rooms.agents, 'ticket:updated', ticket);
    const internal = customerViewMoved(changes);
    if (internal === 'no') return;
    // Only custom fields (besides internal ones): the customer hears of it if the values it sees moved.
    if (internal === 'if its custom fields did' && previousCustomFields !== undefined) {
      this.pushToRoom(ticket, async (view) => {
        const after = view(ticket);
        return sameValues(view({ ...ticket, custom_fields: previousCustomFields }).custom_fields, after.custom_fields) ? null : after;
      });
      return;
    }
    this.pushToRoom(ticket);
  }

  @OnEvent('ticket.assigned')
  ticketAssigned({ ticket, agentId }: DomainEvents['ticket.assigned']): void {
    if (agentId !== null) this.realtime.emit(rooms.user(agentId), 'ticket:assigned', ticket);
    this.ticketChanged(ticket);
  }

  /** `ticket:updated` to agents, and to the ticket's room as the customer may see it (see pushToRoom). */
  private ticketChanged(ticket: TicketResponseDto): void {
    this.realtime.emit(rooms.agents, 'ticket:updated', ticket);
    this.pushToRoom(ticket);
  }

  /**
   * `ticket:updated` to the ticket's room (the customer's widget sees its ticket resolved, and
   * offers the rating) as the customer may see it: without the model's suggestions and agent-only
   * custom fields. That view needs the field definitions (cached; else one read): it is built now,
   * waited for at most VIEW_WAIT_MS, and sent after the ticket's earlier pushes. One that cannot be
   * built in time is sent in its safe form (no custom-field values), never whole and never dropped.
   * `decide` may turn the view into null: nothing the customer sees moved, nothing is sent.
   */
  private pushToRoom(ticket: TicketResponseDto, decide: (view: CustomerView) => Promise<TicketResponseDto | null> = async (view) => view(ticket)): void {
    const payload = this.customerPayload(ticket, decide);
    const previous = this.roomPushes.get(ticket.id) ?? Promise.resolve();
    // Never rejects: a push that fails is logged, and the ticket's later pushes still go out.
    const push = previous.then(async () => {
      const built = await payload;
      if (built !== null) this.realtime.emit(rooms.ticket(ticket.id), 'ticket:updated', built, rooms.agents);
    }).catch((error: unknown) => this.logger.error({ err: error, ticketId: ticket.id }, 'Could not push ticket:updated to the ticket’s room'));
    this.roomPushes.set(ticket.id, push);
    void push.finally(() => {
      if (this.roomPushes.get(ticket.id) === push) this.roomPushes.delete(ticket.id);
    });
  }

  /** The customer's payload, or null for none; never rejects, never waits longer than VIEW_WAIT_MS. */
  private async customerPayload(ticket: TicketResponseDto, decide: (view: CustomerView) => Promise<TicketResponseDto | null>): Promise<TicketResponseDto | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`The customer's view took longer than ${VIEW_WAIT_MS} ms`)), VIEW_WAIT_MS);
    });
    try {
      return await Promise.race([this.tickets.viewFor('customer').then(decide), late]);
    } catch (error) {
      this.logger.warn({ err: error, ticketId: ticket.id }, 'Could not build a ticket:updated for the ticket’s room; sent without custom-field values');
      return withoutInternals(ticket);
    } finally {
      clearTimeout(timer);
    }
  }

  @OnEvent('message.created')
  messageCreated({ message }: DomainEvents['message.created']): void {
    this.realtime.emit(rooms.ticket(message.ticket_id), 'message:new', message);
  }

  @OnEvent('attachment.created')
  attachmentCreated({ ticketId, attachment }: DomainEvents['attachment.created']): void {
    this.realtime.emit(rooms.ticket(ticketId), 'attachment:new', { ticket_id: ticketId, attachment });
  }

  @OnEvent('rating.created')
  ratingCreated({ rating }: DomainEvents['rating.created']): void {
    this.realtime.emit(rooms.agents, 'ticket:rated', rating);
  }

  @OnEvent('user.sessions_ended')
  sessionsEnded({ userId, keptJti }: DomainEvents['user.sessions_ended']): void {
    this.realtime.disconnect(rooms.user(userId), keptJti === undefined ? undefined : rooms.token(keptJti));
  }

  @OnEvent('user.visit_ended')
  visitEnded({ visitorSessionId }: DomainEvents['user.visit_ended']): void {
    this.realtime.disconnect(rooms.visit(visitorSessionId));
  }

  @OnEvent('user.token_revoked')
  tokenRevoked({ jti }: DomainEvents['user.token_revoked']): void {
    this.realtime.disconnect(rooms.token(jti));
  }

  @OnEvent('sla.warning')
  slaWarning(event: DomainEvents['sla.warning']): void {
    this.realtime.emit(slaRooms(event), 'sla:warning', slaPayload(event));
  }

  @OnEvent('sla.breached')
  slaBreached(event: DomainEvents['sla.breached']): void {
    this.realtime.emit(slaRooms(event), 'sla:breached', slaPayload(event));
    if (event.notifyUserIds.length > 0) {
      this.realtime.emit(event.notifyUserIds.map(rooms.user), 'sla:escalated', { ...slaPayload(event), actions: event.escalation });
    }
  }
}

type CustomerView = (ticket: TicketResponseDto) => TicketResponseDto;

/** Longest a room's push waits for the customer's view before it goes out in its safe form. */
const VIEW_WAIT_MS = 2_000;

/** What a customer may always see of a ticket: its customer view (forCustomer) keeping no custom-field value at all. */
const withoutInternals = (ticket: TicketResponseDto): TicketResponseDto => forCustomer(ticket, () => ({}));

/** Agents, and the ticket's own agent in their room (each socket hears it once). */
const slaRooms = (event: SlaEventPayload) => (event.agentId === null ? [rooms.agents] : [rooms.agents, rooms.user(event.agentId)]);
const slaPayload = ({ ticket_id, kind, deadline, minutes_left }: SlaEventPayload) => ({ ticket_id, kind, deadline, minutes_left });
