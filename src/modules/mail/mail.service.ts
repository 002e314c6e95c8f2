import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig, mailAddressOf } from '#src/config/app-config.js';
import { taggedSubject } from '#src/modules/email-ingest/domain/threading.js';
import { capClassOf, domainOf, kindsOf, type MailKind, newMessageId, threadHeaders, underCap } from '#src/modules/mail/domain/mail-rules.js';
import { MailTemplates } from '#src/modules/mail/mail-templates.js';
import type { OutgoingMail } from '#src/modules/mail/mail.topics.js';
import { type MailUser, MailRepository } from '#src/modules/mail/mail.repository.js';
import { UsersRepository } from '#src/modules/users/users.repository.js';
import { MailTransport } from '#src/modules/mail/mail.transport.js';
import { OutboxService } from '#src/modules/outbox/outbox.service.js';

/** What a ticket mail needs of its ticket (a TicketEntity or a TicketResponseDto's fields fit). */
export interface MailTicket {
  id: number;
  title: string;
  priority?: string;
}

/** Kinds of mail about a ticket; each is threaded and tagged `[#id]`. */
export type TicketMailKind = Extract<MailKind, 'confirmation' | 'reply' | 'reply_notification' | 'resolved' | 'assigned'>;
export type LinkMailKind = Extract<MailKind, 'password_reset' | 'account_claim'>;

/**
 * Every mail the service sends (issue 13), queued in the caller's transaction through the outbox
 * and sent by its job over SMTP. Each carries our own Message-ID (at MAIL_FROM's domain); a mail
 * about a ticket records that id on the ticket (email_message_ids, 'out') in the same transaction,
 * answers the thread with In-Reply-To / References, and carries the `[#id]` subject tag, so the
 * customer's reply threads back onto the ticket. Texts come from templates/<LOCALE>/.
 *
 * Nothing is queued without SMTP_URL, to a deactivated user, to a user who turned mail off
 * (notify_by_email; except password links they asked for), or past an hourly cap (capClassOf).
 * Each method returns whether a mail was queued.
 */
@Injectable()
export class MailService implements OnModuleInit {
  private readonly logger = new Logger(MailService.name);
  private readonly templates: MailTemplates;
  private readonly domain: string;

  constructor(
    private readonly config: AppConfig,
    private readonly mails: MailRepository,
    private readonly outbox: OutboxService,
    private readonly transport: MailTransport,
    private readonly users: UsersRepository,
  ) {
    this.templates = new MailTemplates(config.locale);
    this.domain = domainOf(mailAddressOf(config.mailFrom) ?? 'support@localhost');
  }

  onModuleInit(): void {
    if (this.enabled) this.outbox.register('mail', (mail) => this.transport.send(mail));
  }

  /** Whether mail is sent at all (SMTP_URL set). */
  get enabled(): boolean {
    return this.config.smtpUrl !== null;
  }

  /**
   * For the inbound side: the confirmation to the customer of a ticket just opened by their mail,
   * threaded to it (`inboundMessageId`, without brackets, null when the mail had none). Call it in
   * the transaction that creates the ticket (after recording the inbound id on it, if you do).
   */
  ticketConfirmation(manager: EntityManager, ticket: MailTicket & { clientId: number }, inboundMessageId: string | null): Promise<boolean> {
    return this.toUser(manager, ticket.clientId, 'confirmation', ticket, {}, inboundMessageId);
  }

  /**
   * A mail about `ticket` to the user `userId`, in `manager`'s transaction. `vars` add to the
   * template's `recipient` and `ticket`; `replyTo` names the mail it answers (else the thread's newest).
   */
  async toUser(
    manager: EntityManager,
    userId: number,
    kind: TicketMailKind,
    ticket: MailTicket,
    vars: Record<string, unknown>,
    replyTo: string | null = null,
  ): Promise<boolean> {
    if (!this.enabled) return false;
    const user = await this.users.findById(userId, manager);
    if (!user || !user.isActive || !user.notifyByEmail) return false;
    if (!(await this.withinCap(manager, user.email, kind))) return false;
    const rendered = this.templates.render(kind, { ...vars, recipient: { name: user.name }, ticket });
    const messageId = newMessageId(randomUUID(), this.domain);
    const thread = threadHeaders(await this.mails.threadOf(manager, ticket.id), replyTo);
    await this.mails.recordOutbound(manager, messageId, ticket.id);
    return this.queue(manager, user, kind, ticket.id, {
      ...rendered,
      subject: taggedSubject(ticket.id, rendered.subject),
      messageId,
      ...thread,
      autoSubmitted: kind !== 'reply',
    });
  }

  /** A password-reset or account-claim link to `user` (who asked for it: notify_by_email does not apply). */
  async link(manager: EntityManager, user: MailUser, kind: LinkMailKind, link: string): Promise<boolean> {
    if (!this.enabled || !user.isActive) return false;
    if (!(await this.withinCap(manager, user.email, kind))) return false;
    const rendered = this.templates.render(kind, { recipient: { name: user.name }, link, ttlMinutes: Math.round(this.config.passwordLinkTtlSeconds / 60) });
    const messageId = newMessageId(randomUUID(), this.domain);
    return this.queue(manager, user, kind, null, { ...rendered, messageId, inReplyTo: null, references: [], autoSubmitted: true });
  }

  /** Forgets the mail log of more than a day before `now` (MailCron; the caps look back one hour). */
  pruneLog(now: Date): Promise<number> {
    return this.mails.pruneLog(new Date(now.getTime() - 86_400_000));
  }

  private async withinCap(manager: EntityManager, address: string, kind: MailKind): Promise<boolean> {
    const capClass = capClassOf(kind);
    if (capClass === 'none') return true;
    const sent = await this.mails.countLastHour(manager, address, kindsOf(capClass));
    const caps = { automatic: this.config.mail.autoPerHour, links: this.config.mail.linksPerHour };
    if (underCap(capClass, sent, caps)) return true;
    this.logger.warn({ kind, capClass, sent }, 'Mail not sent: the hourly cap for this address is reached');
    return false;
  }

  private async queue(manager: EntityManager, user: MailUser, kind: MailKind, ticketId: number | null, mail: Omit<OutgoingMail, 'from' | 'to'>): Promise<boolean> {
    const outboxId = await this.outbox.enqueue(manager, { topic: 'mail', payload: { from: this.config.mailFrom, to: user.email, ...mail } });
    await this.mails.log(manager, { to: user.email, kind, ticketId, outboxId });
    return true;
  }
}
