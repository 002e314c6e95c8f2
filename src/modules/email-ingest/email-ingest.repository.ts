import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { ThreadCandidate } from '#src/modules/email-ingest/domain/threading.js';

/** A polled mailbox's row: where polling stands and who holds it. */
export interface MailboxRow {
  id: number;
  key: string;
  uidValidity: number | null;
  lastUid: number;
  createdAt: Date;
}

export type InboundStatus = 'ingested' | 'skipped' | 'failed';

export interface InboundRow {
  mailboxId: number;
  uidValidity: number;
  uid: number;
  dedupKey: string;
  messageId: string | null;
  fromAddress: string | null;
  subject: string | null;
  status: InboundStatus;
  reason: string | null;
  size: number;
  raw: Buffer | null;
  /** What an ingested mail became. */
  ticketId?: number | null;
  ticketMessageId?: number | null;
}

export interface MailboxStatusRow {
  key: string;
  lastPollAt: Date | null;
  lastPollOk: boolean | null;
  lastPollError: string | null;
  serverMessages: number | null;
  uidValidity: number | null;
  lastUid: number;
  counts: Record<InboundStatus, number>;
  skippedByReason: Record<string, number>;
  failedByReason: Record<string, number>;
}

/** Thrown inside a mail's transaction when this instance no longer holds the mailbox's lease. */
export class LeaseLostError extends Error {
  constructor() {
    super('Another instance took over the mailbox');
  }
}

type MailboxDbRow = { id: number; key: string; uid_validity: string | null; last_uid: string; created_at: Date };

const toMailbox = (r: MailboxDbRow): MailboxRow => ({
  id: r.id,
  key: r.key,
  uidValidity: r.uid_validity === null ? null : Number(r.uid_validity),
  lastUid: Number(r.last_uid),
  createdAt: r.created_at,
});

/** The parameters $1-$7 of a mail's row: where it is, its dedup key, and what it says it is (cut to the columns' sense). */
const identity = (row: InboundRow) => [
  row.mailboxId,
  row.uidValidity,
  row.uid,
  row.dedupKey,
  row.messageId?.slice(0, 998) ?? null,
  row.fromAddress?.slice(0, 320) ?? null,
  row.subject?.slice(0, 1000) ?? null,
];

/**
 * Every statement of the e-mail channel's inbound half: the mailbox lease and cursor, the one row
 * per mail that makes ingestion exactly-once, and the thread index (email_message_ids).
 */
@Injectable()
export class EmailIngestRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Takes (or renews) the mailbox's lease for `seconds`, creating its row on first use. Null while
   * another instance holds an unexpired lease: then this one does not poll.
   */
  async lease(key: string, owner: string, seconds: number): Promise<MailboxRow | null> {
    await this.db.query(`INSERT INTO mailboxes (key) VALUES ($1) ON CONFLICT (key) DO NOTHING`, [key]);
    const [rows] = (await this.db.query(
      `UPDATE mailboxes SET lease_owner = $2, lease_until = now() + make_interval(secs => $3), updated_at = now()
        WHERE key = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_until < now())
        RETURNING id, key, uid_validity, last_uid, created_at`,
      [key, owner, seconds],
    )) as [MailboxDbRow[], number];
    return rows[0] ? toMailbox(rows[0]) : null;
  }

  /** Gives the lease up (only if still ours) and records how the poll went. */
  async finishPoll(id: number, owner: string, outcome: { ok: boolean; error: string | null; serverMessages: number | null }): Promise<void> {
    await this.db.query(
      `UPDATE mailboxes
          SET last_poll_at = now(), last_poll_ok = $3, last_poll_error = $4,
              server_messages = COALESCE($5, server_messages),
              lease_owner = CASE WHEN lease_owner = $2 THEN NULL ELSE lease_owner END,
              lease_until = CASE WHEN lease_owner = $2 THEN NULL ELSE lease_until END,
              updated_at = now()
        WHERE id = $1`,
      [id, owner, outcome.ok, outcome.error?.slice(0, 1000) ?? null, outcome.serverMessages],
    );
  }

  /** Sets where polling starts (a first poll, or a new UIDVALIDITY): mail above `lastUid` is new. */
  async setPosition(id: number, owner: string, uidValidity: number, lastUid: number): Promise<void> {
    const [, count] = (await this.db.query(
      `UPDATE mailboxes SET uid_validity = $3, last_uid = $4, updated_at = now() WHERE id = $1 AND lease_owner = $2`,
      [id, owner, uidValidity, lastUid],
    )) as [unknown, number];
    if (count !== 1) throw new LeaseLostError();
  }

  /**
   * Moves the cursor past `uid` once the mails up to it are committed. Refuses (LeaseLostError) if
   * another instance took the mailbox meanwhile or the UIDVALIDITY changed under us.
   */
  async advance(id: number, owner: string, uidValidity: number, uid: number): Promise<void> {
    const [, count] = (await this.db.query(
      `UPDATE mailboxes SET last_uid = GREATEST(last_uid, $4), updated_at = now()
        WHERE id = $1 AND lease_owner = $2 AND uid_validity = $3`,
      [id, owner, uidValidity, uid],
    )) as [unknown, number];
    if (count !== 1) throw new LeaseLostError();
    // Attempts of mails the cursor has passed (taken or given up) are done with.
    await this.db.query(`DELETE FROM inbound_fetch_attempts WHERE mailbox_id = $1 AND (uid_validity <> $2 OR uid <= $3)`, [id, uidValidity, uid]);
  }

  /** Which of these UIDs (under this UIDVALIDITY) already have their row: taken while a mail before them waited. */
  async heldUids(mailboxId: number, uidValidity: number, uids: number[]): Promise<Set<number>> {
    if (uids.length === 0) return new Set();
    const rows = (await this.db.query(`SELECT uid FROM inbound_mails WHERE mailbox_id = $1 AND uid_validity = $2 AND uid = ANY($3::bigint[])`, [
      mailboxId,
      uidValidity,
      uids,
    ])) as { uid: string }[];
    return new Set(rows.map((r) => Number(r.uid)));
  }

  /** Records that fetching this mail gave up once more; how many times it has, all polls together. */
  async recordFetchFailure(mailboxId: number, uidValidity: number, uid: number, error: string): Promise<number> {
    const [row] = (await this.db.query(
      `INSERT INTO inbound_fetch_attempts (mailbox_id, uid_validity, uid, attempts, last_error) VALUES ($1, $2, $3, 1, $4)
       ON CONFLICT (mailbox_id, uid_validity, uid) DO UPDATE SET attempts = inbound_fetch_attempts.attempts + 1, last_error = $4, updated_at = now()
       RETURNING attempts`,
      [mailboxId, uidValidity, uid, error.slice(0, 1000)],
    )) as { attempts: number }[];
    return row!.attempts;
  }

  /**
   * A mail whose dedup key is taken: a second delivery of a mail we hold (the same Message-ID, or
   * the same date, sender and body without one) gets its own row, skipped as `duplicate`, so it is
   * counted and its UID is known to be taken. None for the mail we hold seen again under a new
   * UIDVALIDITY (a rescan): that is no new delivery. True when a row was written.
   */
  async recordDuplicate(manager: EntityManager, row: InboundRow): Promise<boolean> {
    const rows = (await manager.query(
      `INSERT INTO inbound_mails (mailbox_id, uid_validity, uid, dedup_key, message_id, from_address, subject, status, reason, size)
       SELECT $1, $2, $3, $9, $5, $6, $7, 'skipped', 'duplicate', $8
        WHERE NOT EXISTS (SELECT 1 FROM inbound_mails o WHERE o.dedup_key = $4 AND o.mailbox_id = $1 AND o.uid_validity <> $2)
       ON CONFLICT (dedup_key) DO NOTHING
       RETURNING id`,
      [
        ...identity(row),
        row.size,
        `dup:${row.mailboxId}:${row.uidValidity}:${row.uid}`,
      ],
    )) as { id: string }[];
    return rows.length > 0;
  }

  /**
   * The mail's one row, and its Message-ID on its ticket (so replies naming it thread there).
   * False when a mail with this dedup key was taken before (a duplicate): nothing is written.
   */
  async insertInbound(manager: EntityManager, row: InboundRow): Promise<boolean> {
    const rows = (await manager.query(
      `WITH m AS (
         INSERT INTO inbound_mails (mailbox_id, uid_validity, uid, dedup_key, message_id, from_address, subject, status, reason, size, raw,
                                    ticket_id, ticket_message_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (dedup_key) DO NOTHING
         RETURNING id, message_id, ticket_id
       ), e AS (
         INSERT INTO email_message_ids (message_id, ticket_id, direction)
         SELECT message_id, ticket_id, 'in' FROM m WHERE message_id IS NOT NULL AND ticket_id IS NOT NULL
         ON CONFLICT (message_id) DO NOTHING
       )
       SELECT id FROM m`,
      [
        ...identity(row),
        row.status,
        row.reason,
        row.size,
        row.raw,
        row.ticketId ?? null,
        row.ticketMessageId ?? null,
      ],
    )) as { id: string }[];
    return rows.length > 0;
  }

  /** The ticket a mail's In-Reply-To / References point to: the newest one any of these ids belongs to. */
  async ticketByMessageIds(manager: EntityManager, ids: string[]): Promise<ThreadCandidate | null> {
    if (ids.length === 0) return null;
    const rows = (await manager.query(
      `SELECT t.id AS "ticketId", u.email AS "clientEmail", t.closed_at AS "closedAt",
              (t.visitor_session_id IS NOT NULL AND u.password_hash IS NULL) AS "unverifiedVisitor"
         FROM email_message_ids e JOIN tickets t ON t.id = e.ticket_id JOIN users u ON u.id = t.client_id
        WHERE e.message_id = ANY($1::text[])
        ORDER BY e.created_at DESC, t.id DESC LIMIT 1`,
      [ids],
    )) as ThreadCandidate[];
    return rows[0] ?? null;
  }

  async ticketCandidate(manager: EntityManager, ticketId: number): Promise<ThreadCandidate | null> {
    const rows = (await manager.query(
      `SELECT t.id AS "ticketId", u.email AS "clientEmail", t.closed_at AS "closedAt",
              (t.visitor_session_id IS NOT NULL AND u.password_hash IS NULL) AS "unverifiedVisitor"
         FROM tickets t JOIN users u ON u.id = t.client_id WHERE t.id = $1`,
      [ticketId],
    )) as ThreadCandidate[];
    return rows[0] ?? null;
  }

  async linkFollowUp(manager: EntityManager, ticketId: number, followsTicketId: number): Promise<void> {
    await manager.query(`UPDATE tickets SET follows_ticket_id = $2 WHERE id = $1`, [ticketId, followsTicketId]);
  }

  /** The raw source of the mail a ticket or message came from (for agents). */
  async rawSource(kind: 'ticket' | 'message', id: number): Promise<{ raw: Buffer; messageId: string | null } | null> {
    const rows = (await this.db.query(
      kind === 'message'
        ? `SELECT raw, message_id AS "messageId" FROM inbound_mails WHERE ticket_message_id = $1 AND raw IS NOT NULL LIMIT 1`
        : `SELECT raw, message_id AS "messageId" FROM inbound_mails WHERE ticket_id = $1 AND ticket_message_id IS NULL AND raw IS NOT NULL ORDER BY id LIMIT 1`,
      [id],
    )) as { raw: Buffer; messageId: string | null }[];
    return rows[0] ?? null;
  }

  /** Every mailbox with its last poll and what it holds, counted by outcome and reason. */
  async status(): Promise<MailboxStatusRow[]> {
    const rows = (await this.db.query(
      `SELECT m.key, m.last_poll_at AS "lastPollAt", m.last_poll_ok AS "lastPollOk", m.last_poll_error AS "lastPollError",
              m.server_messages AS "serverMessages", m.uid_validity AS "uidValidity", m.last_uid AS "lastUid",
              COALESCE((SELECT json_agg(json_build_object('status', s.status, 'reason', s.reason, 'count', s.count))
                          FROM (SELECT status, reason, count(*)::int AS count FROM inbound_mails i
                                 WHERE i.mailbox_id = m.id GROUP BY status, reason) s), '[]') AS counts
         FROM mailboxes m ORDER BY m.id`,
    )) as Array<Omit<MailboxStatusRow, 'counts' | 'skippedByReason' | 'failedByReason' | 'uidValidity' | 'lastUid'> & {
      uidValidity: string | null;
      lastUid: string;
      counts: { status: InboundStatus; reason: string | null; count: number }[];
    }>;
    return rows.map(({ counts, ...row }) => {
      const totals: Record<InboundStatus, number> = { ingested: 0, skipped: 0, failed: 0 };
      const skippedByReason: Record<string, number> = {};
      const failedByReason: Record<string, number> = {};
      for (const { status, reason, count } of counts) {
        totals[status] += count;
        if (status === 'skipped') skippedByReason[reason ?? 'unknown'] = (skippedByReason[reason ?? 'unknown'] ?? 0) + count;
        if (status === 'failed') failedByReason[reason ?? 'unknown'] = (failedByReason[reason ?? 'unknown'] ?? 0) + count;
      }
      return {
        ...row,
        uidValidity: row.uidValidity === null ? null : Number(row.uidValidity),
        lastUid: Number(row.lastUid),
        counts: totals,
        skippedByReason,
        failedByReason,
      };
    });
  }
}
