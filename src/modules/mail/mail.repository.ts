import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AdvisoryLock } from '#src/common/database/advisory-locks.js';
import type { MailFile, MailKind, ThreadId } from '#src/modules/mail/domain/mail-rules.js';
import type { UserEntity } from '#src/modules/users/user.entity.js';

/** Who a mail goes to, as the users table has it. */
export type MailUser = Pick<UserEntity, 'id' | 'email' | 'name' | 'notifyByEmail' | 'isActive'>;

/** The mail module's rows: the thread index (email_message_ids) and the log the hourly caps count. */
@Injectable()
export class MailRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The ticket's recorded Message-IDs, both directions, oldest first. */
  threadOf(manager: EntityManager, ticketId: number): Promise<ThreadId[]> {
    return manager.query(
      `SELECT message_id AS "messageId", direction FROM email_message_ids WHERE ticket_id = $1 ORDER BY created_at, message_id`,
      [ticketId],
    ) as Promise<ThreadId[]>;
  }

  /** Records one of our Message-IDs on the ticket (clock_timestamp: ordered after earlier ones of the same transaction). */
  async recordOutbound(manager: EntityManager, messageId: string, ticketId: number): Promise<void> {
    await manager.query(`INSERT INTO email_message_ids (message_id, ticket_id, direction, created_at) VALUES ($1, $2, 'out', clock_timestamp())`, [
      messageId,
      ticketId,
    ]);
  }

  /** Files of a message by id, in id order, with what a mail needs to choose among them. */
  filesOf(manager: EntityManager, ids: number[]): Promise<MailFile[]> {
    return manager.query(`SELECT id, filename, size::float8 AS size FROM attachments WHERE id = ANY($1::int[]) AND message_id IS NOT NULL ORDER BY id`, [
      ids,
    ]) as Promise<MailFile[]>;
  }

  /** The stored files of these attachments that still exist, in id order (a deleted message took its files). */
  storedFiles(ids: number[]): Promise<{ filename: string; contentType: string; storageKey: string }[]> {
    return this.db.query(
      `SELECT filename, content_type AS "contentType", storage_key AS "storageKey" FROM attachments WHERE id = ANY($1::int[]) AND message_id IS NOT NULL ORDER BY id`,
      [ids],
    ) as Promise<{ filename: string; contentType: string; storageKey: string }[]>;
  }

  /**
   * Mails of these kinds queued to the address in the last hour. Locks the address until the
   * transaction ends, so two mails to it at once are counted one after the other.
   */
  async countLastHour(manager: EntityManager, address: string, kinds: MailKind[]): Promise<number> {
    await manager.query('SELECT pg_advisory_xact_lock($1, hashtext(lower($2)))', [AdvisoryLock.MAIL_CAP, address]);
    const [row] = (await manager.query(
      `SELECT count(*)::int AS n FROM mail_log WHERE to_address = $1 AND kind = ANY($2::text[]) AND created_at > now() - interval '1 hour'`,
      [address, kinds],
    )) as { n: number }[];
    return row.n;
  }

  async log(manager: EntityManager, entry: { to: string; kind: MailKind; ticketId: number | null; outboxId: string }): Promise<void> {
    await manager.query(`INSERT INTO mail_log (to_address, kind, ticket_id, outbox_id) VALUES ($1, $2, $3, $4)`, [
      entry.to,
      entry.kind,
      entry.ticketId,
      entry.outboxId,
    ]);
  }

  /** Forgets log rows older than `before` (the caps look back one hour). */
  async pruneLog(before: Date): Promise<number> {
    const [, count] = (await this.db.query(`DELETE FROM mail_log WHERE created_at < $1`, [before])) as [unknown, number];
    return count;
  }
}
