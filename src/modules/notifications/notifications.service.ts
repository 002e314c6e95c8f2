import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InTransactionHooks } from '#src/common/events/in-transaction-hooks.js';
import { MailService } from '#src/modules/mail/mail.service.js';
import { mailForReply, newlyAssignedAgent, resolvedNow } from '#src/modules/notifications/domain/notification-rules.js';
import { NotificationsRepository } from '#src/modules/notifications/notifications.repository.js';
import type { MessageResponseDto } from '#src/modules/messages/dto/message.dto.js';
import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';
import type {} from '#src/modules/messages/messages.events.js'; // InTransactionEvents entries (types only)
import type {} from '#src/modules/tickets/tickets.events.js'; // InTransactionEvents entries (types only)

/**
 * Mail about tickets (issue 13), queued in the transaction of the change that causes it, through
 * in-transaction hooks the messages and tickets modules raise (they never import this module):
 * - an agent's public reply: to the customer of an e-mail ticket as the threaded answer; to the
 *   customer of a web, chat or API ticket when no chat connection of theirs is open;
 * - a ticket becoming resolved: to its customer;
 * - a ticket assigned to an agent (by someone else, or automatically) while the agent is offline.
 * Each respects the recipient's notify_by_email and the hourly cap (MailService). Without SMTP_URL
 * no hook is registered, so messages keep their fast path.
 */
@Injectable()
export class NotificationsService implements OnModuleInit {
  constructor(
    private readonly hooks: InTransactionHooks,
    private readonly mail: MailService,
    private readonly presence: NotificationsRepository,
  ) {}

  onModuleInit(): void {
    if (!this.mail.enabled) return;
    this.hooks.on('message.created', {
      // Only an agent's message may mail anyone: customers' messages keep the fast path.
      wants: ({ fromAgent }) => fromAgent,
      run: (manager, { message, ticket, attachmentIds }) => this.replied(manager, message, ticket, attachmentIds),
    });
    this.hooks.on('ticket.changed', { run: (manager, change) => this.ticketChanged(manager, change) });
  }

  private async replied(manager: EntityManager, message: MessageResponseDto, ticket: TicketResponseDto, attachmentIds: number[]): Promise<void> {
    if (message.author_type !== 'agent') return;
    const customerOnline = ticket.source !== 'email' && (await this.presence.isOnline(manager, ticket.client_id));
    const kind = mailForReply({ authorType: message.author_type, source: ticket.source, customerOnline });
    if (kind === null) return;
    // The mail is the message as posted: its files, and its time as the mail's Date.
    await this.mail.toUser(
      manager,
      ticket.client_id,
      kind,
      ticket,
      { agent: { name: message.author_name ?? '' }, message: { content: message.content } },
      { writtenAt: message.created_at, attachmentIds },
    );
  }

  private async ticketChanged(
    manager: EntityManager,
    { ticket, previous, actorId }: { ticket: TicketResponseDto; previous: { status: string; agentId: number | null }; actorId: number | null },
  ): Promise<void> {
    const change = { previous, status: ticket.status, agentId: ticket.agent_id, actorId };
    if (resolvedNow(change)) await this.mail.toUser(manager, ticket.client_id, 'resolved', ticket, {});
    const agentId = newlyAssignedAgent(change);
    if (agentId !== null && !(await this.presence.isOnline(manager, agentId))) {
      await this.mail.toUser(manager, agentId, 'assigned', ticket, {});
    }
  }
}
