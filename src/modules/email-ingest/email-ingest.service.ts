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
import { MailboxClient, type MailboxSettings, type MailSize, MailboxTimeoutError } from '#src/modules/email-ingest/mailbox.client.js';
import type { NoteResponseDto } from '#src/modules/notes/dto/note.dto.js';
import { MailService } from '#src/modules/mail/mail.service.js';
import { type AppendedMessage, MessagesService } from '#src/modules/messages/messages.service.js';
import { MetricsService } from '#src/modules/metrics/metrics.service.js';
import { NotesService } from '#src/modules/notes/notes.service.js';
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
  /** Mails that could not be fetched within IMAP_TIMEOUT_SECONDS this time: the next poll tries them again. */
  deferred: number;
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
/** Polls in a row a mail may fail to download within IMAP_TIMEOUT_SECONDS before it is given up (`fetch_timeout`). */
export const FETCH_ATTEMPTS = 3;

interface PreparedMail {
  row: InboundRow;
  read: ReadMail | null;
}

/** A mail's file that was not kept, and why (for the note that tells the agents). */
interface DroppedFile {
  filename: string;
  reason: 'too_many' | 'too_large';
}

/** Thrown inside a mail's transaction when its dedup key is taken: the mail was ingested before. */
class DuplicateMail extends Error {}

const rawKey = (raw: Buffer) => `raw:${createHash('sha256').update(raw).digest('hex')}`;

/**
 * Polls the mailbox (IMAP_*) and turns each new mail into a ticket, or a message on the ticket it
 * answers, exactly once:
 * - one instance at a time holds the mailbox by a lease in its row (no database transaction or
 *   connection is held while IMAP is slow: every IMAP call has a timeout);
 * - each mail commits its row (UIDVALIDITY + UID) with its ticket or message, in its own
 *   transaction; the cursor (last UID) then moves past the run of mails that all have their row,
 *   so a crash or an outage mid-batch resumes after the last committed mail, and mails above the
 *   cursor that have their row are not fetched again;
 * - each mail downloads under its own timeout: one that does not come down in time is left for the
 *   next poll (the cursor stays before it) while the mails after it are taken, and is given up
 *   (failed, `fetch_timeout`) after FETCH_ATTEMPTS polls;
 * - a unique dedup key (Message-ID, else a hash) makes a mail seen twice a no-op: a copy in the
 *   folder is recorded as skipped (`duplicate`), a mail we hold seen again after a new UIDVALIDITY
 *   is not recorded at all;
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
    private readonly notes: NotesService,
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
    const outcome: PollOutcome = { status: 'ok', ingested: 0, skipped: 0, failed: 0, duplicates: 0, deferred: 0 };
    const settings = this.settings();
    if (!settings) return { ...outcome, status: 'off' };
    const key = `${settings.user}@${settings.host}:${settings.port}/${settings.mailbox}`;
    const leaseSeconds = Math.max(120, 4 * this.config.imap.timeoutSeconds);
    const mailbox = await this.repo.lease(key, this.owner, leaseSeconds);
    if (!mailbox) return { ...outcome, status: 'busy' };

    // The connection in use: a fetch that times out replaces it (see fetchEach), and `finally` closes the last one.
    const imap: { client: MailboxClient | null } = { client: null };
    let serverMessages: number | null = null;
    try {
      const client = (imap.client = await MailboxClient.connect(settings));
      const state = await client.open();
      serverMessages = state.total;
      const position = await this.position(client, mailbox, state);
      const { uidValidity } = position;
      // `scanned`: the last UID looked at in this poll; the cursor (in the database) moves only past
      // mails that all have their row, so it stops before a mail left for the next poll (`blocked`).
      let scanned = position.lastUid;
      let blocked = false;
      const renewLease = async () => {
        if (!(await this.repo.lease(key, this.owner, leaseSeconds))) throw new LeaseLostError();
      };
      for (;;) {
        const uids = (await imap.client.uidsAfter(scanned)).slice(0, SIZE_BATCH);
        if (uids.length === 0 || this.stopping) break;
        scanned = uids.at(-1)!;
        // Mails above the cursor taken while one before them waited are not fetched again.
        const done = await this.repo.heldUids(mailbox.id, uidValidity, uids);
        const sizes = await imap.client.sizes(uids.filter((uid) => !done.has(uid)));
        const listed = new Set(sizes.map((m) => m.uid));
        for (const uid of uids) if (!listed.has(uid)) done.add(uid); // gone before we looked: nothing to take
        let walked = 0;
        // At least one round, so a batch of mails all taken before still moves the cursor.
        for (let i = 0; i < Math.max(sizes.length, 1) && !this.stopping; i += FETCH_BATCH) {
          await renewLease(); // per batch, and after each fetch that timed out
          const batch = sizes.slice(i, i + FETCH_BATCH);
          const fetched = await this.fetchEach(imap as { client: MailboxClient }, settings, { mailboxId: mailbox.id, uidValidity, renewLease }, batch);
          outcome.deferred += fetched.deferred.size;
          const mails = await Promise.all(
            batch
              .filter((m) => !fetched.deferred.has(m.uid))
              .map(({ uid, size }) => this.prepare(mailbox.id, uidValidity, uid, size, fetched.raw.get(uid) ?? null, fetched.givenUp.has(uid))),
          );
          const { taken, failure } = await this.ingestBatch(mails, outcome);
          for (const uid of taken) done.add(uid);
          // The cursor: past every mail of this poll up to the first one without its row.
          const from = walked;
          while (walked < uids.length && done.has(uids[walked]!)) walked += 1;
          if (!blocked && walked > from) await this.repo.advance(mailbox.id, this.owner, uidValidity, uids[walked - 1]!);
          if (failure !== null) throw failure;
        }
        if (walked < uids.length) blocked = true;
      }
    } catch (error) {
      outcome.status = 'failed';
      outcome.error = error instanceof Error ? error.message : String(error);
      this.logger.warn({ err: error, mailbox: key }, 'Polling the mailbox failed; the next poll resumes after the last mail taken');
    } finally {
      await imap.client?.close().catch(() => undefined);
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
   * Downloads a batch's mails one by one, each under its own IMAP_TIMEOUT_SECONDS, so a mail that
   * cannot come down in time (huge, on a slow link) holds up no other. Such a mail is counted in
   * `inbound_fetch_attempts` and left for the next poll (`deferred`), or given up once it has failed
   * FETCH_ATTEMPTS times (`givenUp`: recorded failed, `fetch_timeout`). A timeout drops the
   * connection, so the next mail goes over a new one. Mails over EMAIL_MAX_BYTES are not downloaded.
   */
  private async fetchEach(
    imap: { client: MailboxClient },
    settings: MailboxSettings,
    { mailboxId, uidValidity, renewLease }: { mailboxId: number; uidValidity: number; renewLease: () => Promise<void> },
    batch: MailSize[],
  ): Promise<{ raw: Map<number, Buffer>; deferred: Set<number>; givenUp: Set<number> }> {
    const raw = new Map<number, Buffer>();
    const deferred = new Set<number>();
    const givenUp = new Set<number>();
    for (const { uid, size } of batch) {
      if (size > this.config.imap.maxMailBytes) continue;
      if (this.stopping) {
        deferred.add(uid); // shutting down: left for the next poll, as it is
        continue;
      }
      try {
        const [mail] = await imap.client.fetch([uid]);
        if (mail) raw.set(uid, mail.raw);
      } catch (error) {
        if (!(error instanceof MailboxTimeoutError)) throw error;
        const attempts = await this.repo.recordFetchFailure(mailboxId, uidValidity, uid, error.message);
        (attempts >= FETCH_ATTEMPTS ? givenUp : deferred).add(uid);
        this.logger.warn({ uid, size, attempts, of: FETCH_ATTEMPTS }, attempts >= FETCH_ATTEMPTS ? 'A mail never downloaded in time; given up (fetch_timeout)' : 'A mail did not download in time; the next poll tries it again');
        await imap.client.close().catch(() => undefined);
        imap.client = await MailboxClient.connect(settings);
        const state = await imap.client.open();
        if (state.uidValidity !== uidValidity) throw new Error('The mailbox was renumbered (UIDVALIDITY changed) during the poll', { cause: error });
        // A batch of slow mails takes a timeout each: the lease must outlast them.
        await renewLease();
      }
    }
    return { raw, deferred, givenUp };
  }

  /**
   * A batch of mails, several at a time: mails from one sender, and replies to a mail of the same
   * batch (and to each other), wait for the mail before them, so threading sees it committed and
   * a thread's messages keep the order they arrived in. Each mail commits in its own transaction.
   * Returns the UIDs of the mails whose row committed, and the first failure (once the others
   * settled): the caller moves the cursor past the longest run of taken mails, so a failure leaves
   * the rest for the next poll (which skips what did commit by its UID).
   */
  private async ingestBatch(mails: PreparedMail[], outcome: PollOutcome): Promise<{ taken: number[]; failure: unknown }> {
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
    const taken: number[] = [];
    let failure: unknown = null;
    for (const [i, result] of results.entries()) {
      if (result.status === 'rejected') {
        failure ??= result.reason;
        continue;
      }
      outcome[result.value === 'duplicate' ? 'duplicates' : result.value] += 1;
      taken.push(mails[i]!.row.uid);
    }
    return { taken, failure };
  }

  /** A fetched mail decoded and judged (no database yet): to ingest, to skip, or failed and why. */
  private async prepare(mailboxId: number, uidValidity: number, uid: number, size: number, raw: Buffer | null, givenUp = false): Promise<PreparedMail> {
    const row: InboundRow = { mailboxId, uidValidity, uid, dedupKey: '', messageId: null, fromAddress: null, subject: null, status: 'failed', reason: null, size, raw: null };
    if (raw === null) {
      row.reason = size > this.config.imap.maxMailBytes ? 'too_large' : givenUp ? 'fetch_timeout' : 'vanished';
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
      return this.note(row, (await this.repo.insertInbound(this.db.manager, row)) ? row.status : await this.duplicate(row));
    }
    const mail = { ...read, from: read.from };
    const { files, dropped } = await this.storeFiles(mail);
    let announce: (() => Promise<unknown>) | null = null;
    let result: MailResult;
    try {
      result = await this.db.transaction(async (manager) => {
        const written = await this.write(manager, mail, files, dropped);
        const stored = 'skip' in written ? { ...row, status: 'skipped' as const, reason: written.skip } : { ...row, ...written.rows };
        // Last, so a duplicate (the same mail seen again) rolls everything above back.
        if (!(await this.repo.insertInbound(manager, stored))) throw new DuplicateMail();
        Object.assign(row, { status: stored.status, reason: stored.reason });
        if ('announce' in written) announce = written.announce;
        return stored.status;
      });
    } catch (error) {
      await this.attachments.discardFiles(files.map((f) => f.key));
      if (error instanceof DuplicateMail) return this.note(row, await this.duplicate(row));
      throw error;
    }
    if (result !== 'ingested') await this.attachments.discardFiles(files.map((f) => f.key));
    const committed = announce as (() => Promise<unknown>) | null;
    await committed?.().catch((error: unknown) => this.logger.warn({ err: error }, 'Announcing a mailed ticket or message failed'));
    return this.note(row, result);
  }

  /** A mail whose dedup key is taken: its own row (skipped, `duplicate`) unless it is a mail we hold, renumbered. */
  private async duplicate(row: InboundRow): Promise<'duplicate'> {
    const counted = await this.repo.recordDuplicate(this.db.manager, row);
    if (counted) this.logger.log({ uid: row.uid, from: row.fromAddress, subject: row.subject }, 'Mail delivered again; skipped as a duplicate');
    return 'duplicate';
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
    dropped: DroppedFile[],
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
      const stored = await this.attachments.attachStored(manager, files, { kind: 'message', id: appended.message.id }, sender.id);
      const note = await this.noteDropped(manager, decision.ticketId, dropped);
      return {
        rows: { ticketId: decision.ticketId, ticketMessageId: appended.message.id },
        announce: async () => {
          await this.messages.announce(appended);
          // The files after their message, as uploads made for a message are told of.
          this.attachments.announceStored(decision.ticketId, stored);
          if (note) this.notes.announce(note, this.tickets.respond(appended.after));
        },
      };
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
    const stored = await this.attachments.attachStored(manager, files, { kind: 'ticket', id: ticketId }, sender.id);
    const note = await this.noteDropped(manager, ticketId, dropped);
    // The confirmation, threaded to the customer's mail, commits with the ticket (the outbox sends it).
    await this.mail.ticketConfirmation(manager, { id: ticketId, title: opened.ticket.title, clientId: sender.id }, mail.messageId);
    return {
      rows: { ticketId, ticketMessageId: null },
      announce: async () => {
        const ticket = await this.tickets.announceOpened(opened, sender.id);
        this.attachments.announceStored(ticketId, stored);
        if (note) this.notes.announce(note, ticket);
      },
    };
  }

  /**
   * An internal note naming the mail's files that were not kept and why, so the agents know to ask
   * for them: the sender is not mailed (an automatic answer to mail risks loops with auto-replies).
   */
  private async noteDropped(manager: EntityManager, ticketId: number, dropped: DroppedFile[]): Promise<NoteResponseDto | null> {
    if (dropped.length === 0) return null;
    const lines = dropped.map(({ filename, reason }) =>
      reason === 'too_many'
        ? this.i18n.t('email.file_not_kept_too_many', { filename, max: this.config.uploadMaxFiles })
        : this.i18n.t('email.file_not_kept_too_large', { filename, max: this.config.uploadMaxBytes }),
    );
    return this.notes.appendBySystem(manager, ticketId, 'system', fitText([this.i18n.t('email.files_not_kept'), ...lines].join('\n'), TEXT_MAX, this.i18n.t('email.truncated')));
  }

  /**
   * The mail's files in storage, before its transaction, with the uploads' rules: UPLOAD_MAX_BYTES a
   * file, at most UPLOAD_MAX_FILES. What was not kept is returned too (`dropped`), for a note.
   */
  private async storeFiles(mail: ReadMail): Promise<{ files: ReceivedFile[]; dropped: DroppedFile[] }> {
    const files: ReceivedFile[] = [];
    const dropped: DroppedFile[] = [];
    for (const [i, file] of mail.files.entries()) {
      const filename = file.filename ?? (file.cid ? `${file.cid.replace(/[^\w.-]/g, '_')}` : null);
      const shown = filename ?? `#${i + 1}`;
      if (files.length >= this.config.uploadMaxFiles) {
        dropped.push({ filename: shown, reason: 'too_many' });
        continue;
      }
      const received = await this.attachments.storeBytes(file.content, filename, file.contentType ?? undefined);
      if (received) files.push(received);
      else dropped.push({ filename: shown, reason: 'too_large' });
    }
    if (dropped.length > 0) this.logger.warn({ messageId: mail.messageId, kept: files.length, dropped: dropped.length }, 'Some files of a mail were not kept; a note on the ticket names them');
    return { files, dropped };
  }
}
