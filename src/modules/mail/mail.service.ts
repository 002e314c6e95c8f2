import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig, mailAddressOf } from '#src/config/app-config.js';
import { Clock } from '#src/common/clock.js';
import { AttachmentStorage } from '#src/modules/attachments/attachment-storage.js';
import { capClassOf, domainOf, kindsOf, type MailKind, newMessageId, splitAttachments, threadHeaders, underCap } from '#src/modules/mail/domain/mail-rules.js';
import { bareSubject, ticketMailSubject } from '#src/modules/mail/domain/subject.js';
import { MailTemplates } from '#src/modules/mail/mail-templates.js';
import type { MailAttachment, OutgoingMail } from '#src/modules/mail/mail.topics.js';
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
    private readonly storage: AttachmentStorage,
    private readonly clock: Clock,
  ) {
    this.templates = new MailTemplates(config.locale);
    this.domain = domainOf(mailAddressOf(config.mailFrom) ?? 'support@localhost');
  }

  onModuleInit(): void {
    if (this.enabled) this.outbox.register('mail', async (mail) => this.transport.send(mail, await this.filesOf(mail)));
  }

  /** The files a queued mail attaches, as they are in storage now (a deleted one is left out). */
  private async filesOf(mail: OutgoingMail): Promise<MailAttachment[]> {
    if (!mail.attachmentIds?.length) return [];
    const rows = await this.mails.storedFiles(mail.attachmentIds);
    return rows.map((row) => ({ filename: row.filename, contentType: row.contentType, path: this.storage.pathOf(row.storageKey) }));
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
    return this.toUser(manager, ticket.clientId, 'confirmation', ticket, {}, { replyTo: inboundMessageId });
  }

  /**
   * A mail about `ticket` to the user `userId`, in `manager`'s transaction. `vars` add to the
   * template's `recipient` and `ticket`; `replyTo` names the mail it answers (else the thread's newest).
   *
   * A reply carries `writtenAt` (the message's time: its `Date:`) and `attachmentIds` (the files
   * posted with it, already on the message): those that fit MAIL_ATTACHMENTS_MAX_BYTES are attached
   * when the mail is sent, the others are named in its text. Mails to one user about one ticket share
   * an outbox ordering key, so they reach the mailbox in the order they were written.
   */
  async toUser(
    manager: EntityManager,
    userId: number,
    kind: TicketMailKind,
    ticket: MailTicket,
    vars: Record<string, unknown>,
    { replyTo = null, writtenAt, attachmentIds = [] }: { replyTo?: string | null; writtenAt?: string; attachmentIds?: number[] } = {},
  ): Promise<boolean> {
    if (!this.enabled) return false;
    const user = await this.users.findById(userId, manager);
    if (!user || !user.isActive || !user.notifyByEmail) return false;
    if (!(await this.withinCap(manager, user.email, kind))) return false;
    const files = splitAttachments(attachmentIds.length > 0 ? await this.mails.filesOf(manager, attachmentIds) : [], this.config.mail.attachmentsMaxBytes);
    // The title without the Re:/Fwd: a mail client put on it when the ticket came in by mail.
    const title = bareSubject(ticket.title).bare || ticket.title;
    const namedFiles = files.named.map((file) => file.filename).join(', ');
    const rendered = this.templates.render(kind, { ...vars, recipient: { name: user.name }, ticket: { ...ticket, title }, namedFiles });
    const messageId = newMessageId(randomUUID(), this.domain);
    const thread = threadHeaders(await this.mails.threadOf(manager, ticket.id), replyTo);
    await this.mails.recordOutbound(manager, messageId, ticket.id);
    const mail = {
      ...rendered,
      subject: ticketMailSubject(ticket.id, rendered.subject),
      messageId,
      ...thread,
      autoSubmitted: kind !== 'reply',
      date: writtenAt ?? this.clock.now().toISOString(),
      ...(files.attached.length > 0 && { attachmentIds: files.attached.map((file) => file.id) }),
    };
    return this.queue(manager, user, kind, ticket.id, mail, `mail:ticket:${ticket.id}:user:${user.id}`);
  }

  /** A password-reset or account-claim link to `user` (who asked for it: notify_by_email does not apply). */
  async link(manager: EntityManager, user: MailUser, kind: LinkMailKind, link: string): Promise<boolean> {
    if (!this.enabled || !user.isActive) return false;
    if (!(await this.withinCap(manager, user.email, kind))) return false;
    const rendered = this.templates.render(kind, { recipient: { name: user.name }, link, ttlMinutes: Math.round(this.config.passwordLinkTtlSeconds / 60) });
    const messageId = newMessageId(randomUUID(), this.domain);
    const date = this.clock.now().toISOString();
    return this.queue(manager, user, kind, null, { ...rendered, messageId, inReplyTo: null, references: [], autoSubmitted: true, date });
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

  /** `orderingKey`: mails sharing it go out one after the other, in the order queued (see OutboxService). */
  private async queue(
    manager: EntityManager,
    user: MailUser,
    kind: MailKind,
    ticketId: number | null,
    mail: Omit<OutgoingMail, 'from' | 'to'>,
    orderingKey?: string,
  ): Promise<boolean> {
    const payload = { from: this.config.mailFrom, to: user.email, ...mail };
    const outboxId = await this.outbox.enqueue(manager, { topic: 'mail', payload, ...(orderingKey !== undefined && { orderingKey }) });
    await this.mails.log(manager, { to: user.email, kind, ticketId, outboxId });
    return true;
  }
}
