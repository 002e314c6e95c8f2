import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Counter } from 'prom-client';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '#src/common/clock.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { I18nService } from '#src/common/i18n/i18n.service.js';
import { AppConfig, mailAddressOf } from '#src/config/app-config.js';
import { AttachmentsService, type ReceivedFile } from '#src/modules/attachments/attachments.service.js';
import { skipReason } from '#src/modules/email-ingest/domain/auto-reply.js';
import { mailDedupKey } from '#src/modules/email-ingest/domain/dedup.js';
import { fitText, TEXT_MAX, titleFromSubject, visibleReply } from '#src/modules/email-ingest/domain/mail-content.js';
import { decideThread, subjectTicketId } from '#src/modules/email-ingest/domain/threading.js';
import { EmailIngestRepository, type InboundRow, LeaseLostError, type MailboxRow } from '#src/modules/email-ingest/email-ingest.repository.js';
import { type ReadMail, readMail } from '#src/modules/email-ingest/mail-reader.js';
import { MailboxClient, type MailboxSettings, type MailSize } from '#src/modules/email-ingest/mailbox.client.js';
import { MailService } from '#src/modules/mail/mail.service.js';
import { type AppendedMessage, MessagesService } from '#src/modules/messages/messages.service.js';
import { MetricsService } from '#src/modules/metrics/metrics.service.js';
import { type OpenedTicket, TicketsService } from '#src/modules/tickets/tickets.service.js';
import { UsersService } from '#src/modules/users/users.service.js';
import { Slots } from '#src/common/util/slots.js';

/** How a poll ended. */
export interface PollOutcome {
  /** `busy`: another instance (or a poll of this one) holds the mailbox; nothing was read. */
  status: 'ok' | 'failed' | 'busy' | 'off';
  ingested: number;
  skipped: number;
  failed: number;
  duplicates: number;
  error?: string;
}

type MailResult = 'ingested' | 'skipped' | 'failed' | 'duplicate';

/** Mails fetched per round trip; their sizes are checked first, so a batch stays small in memory. */
const FETCH_BATCH = 25;
const SIZE_BATCH = 500;
/** After a UIDVALIDITY change, mail that arrived this long before our first poll is taken again too. */
const RESCAN_MARGIN_MS = 10 * 60_000;
/** Mails of a batch written at once (each in its own transaction). */
const INGEST_CONCURRENCY = 4;

interface PreparedMail {
  row: InboundRow;
  read: ReadMail | null;
}

/** Thrown inside a mail's transaction when its dedup key is taken: the mail was ingested before. */
class DuplicateMail extends Error {}

const rawKey = (raw: Buffer) => `raw:${createHash('sha256').update(raw).digest('hex')}`;

/**
 * Polls the mailbox (IMAP_*) and turns each new mail into a ticket, or a message on the ticket it
 * answers, exactly once:
 * - one instance at a time holds the mailbox by a lease in its row (no database transaction or
 *   connection is held while IMAP is slow: every IMAP call has a timeout);
 * - the cursor (UIDVALIDITY + last UID) moves in each mail's own transaction, with the mail's rows,
 *   so a crash or an outage mid-batch resumes after the last committed mail;
 * - a unique dedup key (Message-ID, else a hash) makes a mail seen twice (a rescan after a new
 *   UIDVALIDITY, a copy in the folder) a no-op;
 * - auto-replies, bounces, list mail and our own mail make nothing (skipped, with the reason);
 *   a mail that cannot be used (no sender, unreadable, too large) is recorded as failed and passed.
 */
@Injectable()
export class EmailIngestService implements OnApplicationShutdown {
  private readonly logger = new Logger(EmailIngestService.name);
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly ownAddresses: string[];
  private readonly counter: Counter<'status' | 'reason'>;
  private running: Promise<PollOutcome> | null = null;
  private stopping = false;

  constructor(
    private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly repo: EmailIngestRepository,
    private readonly tickets: TicketsService,
    private readonly messages: MessagesService,
    private readonly users: UsersService,
    private readonly attachments: AttachmentsService,
    private readonly i18n: I18nService,
    private readonly mail: MailService,
    private readonly clock: Clock,
    metrics: MetricsService,
  ) {
    this.ownAddresses = [mailAddressOf(config.mailFrom)?.toLowerCase(), config.imap.user].filter((a): a is string => !!a && a.includes('@'));
    this.counter = new Counter({
      name: 'email_inbound_total',
      help: 'Mails read from the mailbox, by outcome (ingested, skipped, failed, duplicate) and reason',
      labelNames: ['status', 'reason'] as const,
      registers: [metrics.registry],
    });
  }

  /** Whether a mailbox is configured (IMAP_HOST). */
  get enabled(): boolean {
    return this.settings() !== null;
  }

  /** One poll; a poll already running in this process is joined, not doubled. */
  poll(): Promise<PollOutcome> {
    this.running ??= this.pollOnce().finally(() => (this.running = null));
    return this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.running?.catch(() => undefined);
  }

  private settings(): MailboxSettings | null {
    const { host, port, tls, user, password, mailbox, timeoutSeconds } = this.config.imap;
    if (!host || !user || !password) return null;
    return { host, port, tls, user, password, mailbox, timeoutMs: timeoutSeconds * 1000 };
  }

  private async pollOnce(): Promise<PollOutcome> {
    const outcome: PollOutcome = { status: 'ok', ingested: 0, skipped: 0, failed: 0, duplicates: 0 };
    const settings = this.settings();
    if (!settings) return { ...outcome, status: 'off' };
    const key = `${settings.user}@${settings.host}:${settings.port}/${settings.mailbox}`;
    const leaseSeconds = Math.max(120, 4 * this.config.imap.timeoutSeconds);
    const mailbox = await this.repo.lease(key, this.owner, leaseSeconds);
    if (!mailbox) return { ...outcome, status: 'busy' };

    let client: MailboxClient | null = null;
    let serverMessages: number | null = null;
    try {
      client = await MailboxClient.connect(settings);
      const state = await client.open();
      serverMessages = state.total;
      const position = await this.position(client, mailbox, state);
      let lastUid = position.lastUid;
      for (;;) {
        const uids = (await client.uidsAfter(lastUid)).slice(0, SIZE_BATCH);
        if (uids.length === 0 || this.stopping) break;
        if (!(await this.repo.lease(key, this.owner, leaseSeconds))) throw new LeaseLostError(); // renewed per batch
        const sizes = await client.sizes(uids);
        for (let i = 0; i < sizes.length && !this.stopping; i += FETCH_BATCH) {
          const batch = sizes.slice(i, i + FETCH_BATCH);
          const small = batch.filter((m) => m.size <= this.config.imap.maxMailBytes).map((m) => m.uid);
          const fetched = new Map((await client.fetch(small)).map((m) => [m.uid, m.raw]));
          lastUid = await this.ingestBatch(mailbox.id, position.uidValidity, batch, fetched, outcome);
        }
      }
    } catch (error) {
      outcome.status = 'failed';
      outcome.error = error instanceof Error ? error.message : String(error);
      this.logger.warn({ err: error, mailbox: key }, 'Polling the mailbox failed; the next poll resumes after the last mail taken');
    } finally {
      await client?.close().catch(() => undefined);
      await this.repo
        .finishPoll(mailbox.id, this.owner, { ok: outcome.status === 'ok', error: outcome.error ?? null, serverMessages })
        .catch((error: unknown) => this.logger.warn({ err: error }, 'Could not record the poll'));
    }
    if (outcome.ingested + outcome.skipped + outcome.failed > 0) {
      this.logger.log({ mailbox: key, ...outcome }, 'Polled the mailbox');
    }
    return outcome;
  }

  /**
   * Where this poll starts. A mailbox seen for the first time starts at its UIDNEXT (only mail that
   * arrives from now on), or at the first mail since IMAP_SINCE. A new UIDVALIDITY (the server
   * renumbered the folder) rescans from the first mail that arrived after we first polled it (less
   * RESCAN_MARGIN_MS for clocks that differ: better a few extra than one lost); the dedup key skips
   * what we hold.
   */
  private async position(client: MailboxClient, mailbox: MailboxRow, state: { uidValidity: number; uidNext: number }): Promise<{ uidValidity: number; lastUid: number }> {
    if (mailbox.uidValidity === state.uidValidity) return { uidValidity: state.uidValidity, lastUid: mailbox.lastUid };
    let first: number | undefined;
    if (mailbox.uidValidity === null) {
      if (this.config.imap.since) first = (await client.uidsSince(this.config.imap.since))[0];
    } else {
      const from = new Date(mailbox.createdAt.getTime() - RESCAN_MARGIN_MS);
      const candidates = await client.sizes((await client.uidsSince(from)).slice(0, SIZE_BATCH * 20));
      first = candidates.find((mail) => mail.arrivedAt >= from)?.uid;
      this.logger.warn({ mailbox: mailbox.key, from: mailbox.uidValidity, to: state.uidValidity }, 'The mailbox was renumbered (UIDVALIDITY changed); rescanning, duplicates are skipped');
    }
    const lastUid = first !== undefined ? first - 1 : Math.max(0, state.uidNext - 1);
    await this.repo.setPosition(mailbox.id, this.owner, state.uidValidity, lastUid);
    return { uidValidity: state.uidValidity, lastUid };
  }

  /**
   * A batch of mails, several at a time: mails from one sender, and replies to a mail of the same
   * batch (and to each other), wait for the mail before them, so threading sees it committed and
   * a thread's messages keep the order they arrived in. Each mail commits in its
   * own transaction; the cursor then moves past the longest run of committed mails, so a failure
   * leaves the rest of the batch for the next poll (where what did commit is a duplicate, skipped).
   * Returns the new last UID; rethrows the first failure once the others settled.
   */
  private async ingestBatch(mailboxId: number, uidValidity: number, batch: MailSize[], fetched: Map<number, Buffer>, outcome: PollOutcome): Promise<number> {
    const mails = await Promise.all(batch.map(({ uid, size }) => this.prepare(mailboxId, uidValidity, uid, size, fetched.get(uid) ?? null)));
    const after = new Map<string, Promise<unknown>>();
    const slots = new Slots(INGEST_CONCURRENCY);
    const tasks = mails.map((mail) => {
      const keys = [mail.read?.from ? `from:${mail.read.from.address}` : null, ...(mail.read?.threadIds ?? []).map((id) => `mid:${id}`)];
      const waitFor = keys.flatMap((key) => (key && after.has(key) ? [after.get(key)!.catch(() => undefined)] : []));
      const task = Promise.all(waitFor).then(() => slots.run(() => this.ingest(mail)));
      // Later mails from this sender, replies to this mail and later replies in the same thread wait for this one.
      for (const key of [...keys, mail.read?.messageId ? `mid:${mail.read.messageId}` : null]) {
        if (key) after.set(key, task);
      }
      return task;
    });
    const results = await Promise.allSettled(tasks);
    let lastUid: number | null = null;
    let failure: unknown = null;
    for (const [i, result] of results.entries()) {
      if (result.status === 'rejected') {
        failure = result.reason;
        break;
      }
      outcome[result.value === 'duplicate' ? 'duplicates' : result.value] += 1;
      lastUid = batch[i]!.uid;
    }
    if (lastUid !== null) await this.repo.advance(mailboxId, this.owner, uidValidity, lastUid);
    if (failure !== null) throw failure;
    return lastUid!;
  }

  /** A fetched mail decoded and judged (no database yet): to ingest, to skip, or failed and why. */
  private async prepare(mailboxId: number, uidValidity: number, uid: number, size: number, raw: Buffer | null): Promise<PreparedMail> {
    const row: InboundRow = { mailboxId, uidValidity, uid, dedupKey: '', messageId: null, fromAddress: null, subject: null, status: 'failed', reason: null, size, raw: null };
    if (raw === null) {
      row.reason = size > this.config.imap.maxMailBytes ? 'too_large' : 'vanished';
      row.dedupKey = `uid:${mailboxId}:${uidValidity}:${uid}`;
      return { row, read: null };
    }
    row.raw = raw;
    const read = await readMail(raw).catch(() => null);
    if (!read) return { row: { ...row, reason: 'unreadable', dedupKey: rawKey(raw) }, read: null };
    Object.assign(row, { messageId: read.messageId, fromAddress: read.from?.address ?? null, subject: read.subject });
    if (!read.from) return { row: { ...row, reason: 'no_sender', dedupKey: rawKey(raw) }, read };
    row.dedupKey = mailDedupKey({ messageId: read.messageId, date: read.date, fromEmail: read.from.address, body: read.text });
    const skip = skipReason({ fromEmail: read.from.address, headers: read.headers, contentType: read.contentType }, this.ownAddresses);
    return { row: skip ? { ...row, status: 'skipped', reason: skip } : { ...row, status: 'ingested' }, read };
  }

  /** One mail's rows, in one transaction; what was done with it. A database error propagates. */
  private async ingest({ row, read }: PreparedMail): Promise<MailResult> {
    if (row.status !== 'ingested' || !read?.from) {
      return this.note(row, (await this.repo.insertInbound(this.db.manager, row)) ? row.status : 'duplicate');
    }
    const mail = { ...read, from: read.from };
    const files = await this.storeFiles(mail);
    let announce: (() => Promise<unknown>) | null = null;
    let result: MailResult;
    try {
      result = await this.db.transaction(async (manager) => {
        const written = await this.write(manager, mail, files);
        const stored = 'skip' in written ? { ...row, status: 'skipped' as const, reason: written.skip } : { ...row, ...written.rows };
        // Last, so a duplicate (the same mail seen again) rolls everything above back.
        if (!(await this.repo.insertInbound(manager, stored))) throw new DuplicateMail();
        Object.assign(row, { status: stored.status, reason: stored.reason });
        if ('announce' in written) announce = written.announce;
        return stored.status;
      });
    } catch (error) {
      await this.attachments.discardFiles(files.map((f) => f.key));
      if (error instanceof DuplicateMail) return this.note(row, 'duplicate');
      throw error;
    }
    if (result !== 'ingested') await this.attachments.discardFiles(files.map((f) => f.key));
    const committed = announce as (() => Promise<unknown>) | null;
    await committed?.().catch((error: unknown) => this.logger.warn({ err: error }, 'Announcing a mailed ticket or message failed'));
    return this.note(row, result);
  }

  /** Counts and logs what became of a mail. */
  private note(row: InboundRow, result: MailResult): MailResult {
    this.counter.inc({ status: result, reason: result === 'skipped' || result === 'failed' ? (row.reason ?? '') : '' });
    if (result === 'skipped' || result === 'failed') {
      this.logger.log({ uid: row.uid, from: row.fromAddress, subject: row.subject, reason: row.reason }, result === 'skipped' ? 'Mail skipped' : 'Mail could not be taken; passed over');
    }
    return result;
  }

  /**
   * The mail's rows: a message on the ticket it answers, or a new ticket in the Email queue from
   * the sender (a contact when unknown); and what to announce once they commit. A mail from one of
   * our staff's addresses makes nothing (skipped): a ticket's client is always a customer.
   */
  private async write(
    manager: EntityManager,
    mail: ReadMail & { from: { address: string; name: string } },
    files: ReceivedFile[],
  ): Promise<{ skip: string } | { rows: Pick<InboundRow, 'ticketId' | 'ticketMessageId'>; announce: () => Promise<unknown> }> {
    const sender = await this.users.findOrCreateContact(mail.from.address, mail.from.name, manager).catch((error: unknown) => {
      if (error instanceof AppError && error.code === ErrorCode.VALIDATION_FAILED) return null;
      throw error;
    });
    if (!sender) return { skip: 'staff_sender' };

    const byHeaders = await this.repo.ticketByMessageIds(manager, mail.threadIds);
    const tagged = subjectTicketId(mail.subject);
    const bySubject = byHeaders || tagged === null ? null : await this.repo.ticketCandidate(manager, tagged);
    const decision = decideThread({ fromEmail: mail.from.address }, byHeaders, bySubject, this.clock.now());

    if (decision.kind === 'reply') {
      const before = await this.tickets.lockVisible(null, decision.ticketId, manager);
      const content = fitText(visibleReply(mail.text) || this.i18n.t('email.empty_body'), TEXT_MAX, this.i18n.t('email.truncated'));
      const appended: AppendedMessage = await this.messages.append(manager, before, { id: sender.id, type: 'client' }, content, { reopenClosed: true });
      await this.attachments.attachStored(manager, files, { kind: 'message', id: appended.message.id }, sender.id);
      return { rows: { ticketId: decision.ticketId, ticketMessageId: appended.message.id }, announce: () => this.messages.announce(appended) };
    }

    const opened: OpenedTicket = await this.tickets.open(
      {
        title: titleFromSubject(mail.subject, this.i18n.t('email.no_subject')),
        description: fitText(mail.text || this.i18n.t('email.empty_body'), TEXT_MAX, this.i18n.t('email.truncated')),
        category: null,
        queueId: null, // the Email queue, as for every ticket whose source is e-mail
        clientId: sender.id,
        source: 'email',
      },
      sender.id,
      manager,
    );
    const ticketId = opened.ticket.id;
    if (decision.linkedTicketId !== null) await this.repo.linkFollowUp(manager, ticketId, decision.linkedTicketId);
    await this.attachments.attachStored(manager, files, { kind: 'ticket', id: ticketId }, sender.id);
    // The confirmation, threaded to the customer's mail, commits with the ticket (the outbox sends it).
    await this.mail.ticketConfirmation(manager, { id: ticketId, title: opened.ticket.title, clientId: sender.id }, mail.messageId);
    return { rows: { ticketId, ticketMessageId: null }, announce: () => this.tickets.announceOpened(opened, sender.id) };
  }

  /** The mail's files in storage, before its transaction (the uploads' size rule, at most UPLOAD_MAX_FILES). */
  private async storeFiles(mail: ReadMail): Promise<ReceivedFile[]> {
    const stored: ReceivedFile[] = [];
    for (const file of mail.files) {
      if (stored.length >= this.config.uploadMaxFiles) {
        this.logger.warn({ messageId: mail.messageId, kept: stored.length }, 'A mail had more attachments than UPLOAD_MAX_FILES; the rest were not kept');
        break;
      }
      const filename = file.filename ?? (file.cid ? `${file.cid.replace(/[^\w.-]/g, '_')}` : null);
      const received = await this.attachments.storeBytes(file.content, filename, file.contentType ?? undefined);
      if (received) stored.push(received);
      else this.logger.warn({ messageId: mail.messageId, filename: file.filename, size: file.content.length }, 'A mail attachment over UPLOAD_MAX_BYTES was not kept');
    }
    return stored;
  }
}
