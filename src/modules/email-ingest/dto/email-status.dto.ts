import { ApiProperty } from '@nestjs/swagger';
import type { MailboxStatusRow } from '#src/modules/email-ingest/email-ingest.repository.js';

class MailCountsDto {
  @ApiProperty({ example: 120, description: 'Mails that became a ticket or a message' })
  ingested: number;

  @ApiProperty({ example: 4, description: 'Auto-replies, bounces, list mail, our own mail, staff senders, mail delivered again (duplicate)' })
  skipped: number;

  @ApiProperty({ example: 1, description: 'Mails that could not be used (no sender, unreadable, too large, never downloaded in time)' })
  failed: number;
}

/** The last poll: of one mailbox, or at the top of the status the latest of any mailbox. */
class LastPollDto {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the last poll ended (at the top: the latest poll of any mailbox)' })
  last_poll_at: string | null;

  @ApiProperty({ enum: ['ok', 'failed'], nullable: true, description: 'How that poll ended; null before the first' })
  last_poll_result: 'ok' | 'failed' | null;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why that poll failed' })
  last_poll_error: string | null;
}

export class MailboxStatusDto extends LastPollDto {
  @ApiProperty({ example: 'support@example.com@imap.example.com:993/INBOX', description: 'user@host:port/folder' })
  mailbox: string;

  @ApiProperty({ type: Number, nullable: true, example: 125, description: 'Mails in the folder on the server at the last poll' })
  server_messages: number | null;

  @ApiProperty({ example: 125, description: 'Mails we hold a row for (ingested + skipped + failed, duplicates included)' })
  held_messages: number;

  @ApiProperty({ type: MailCountsDto })
  counts: MailCountsDto;

  @ApiProperty({ example: { auto_submitted: 3, mailer_daemon: 1, duplicate: 2 }, description: 'Skipped mails by reason (`duplicate`: a mail delivered again)' })
  skipped_by_reason: Record<string, number>;

  @ApiProperty({ example: { too_large: 1, fetch_timeout: 1 }, description: 'Failed mails by reason: no_sender, unreadable, too_large, fetch_timeout (never downloaded within IMAP_TIMEOUT_SECONDS in 3 polls), vanished' })
  failed_by_reason: Record<string, number>;

  @ApiProperty({ type: Number, nullable: true, description: 'The folder\'s UIDVALIDITY we track' })
  uid_validity: number | null;

  @ApiProperty({ example: 2041, description: 'The last UID taken: mail above it is new' })
  last_uid: number;
}

export class EmailStatusDto extends LastPollDto {
  @ApiProperty({ description: 'Whether a mailbox is configured (IMAP_HOST) and polled here (CRON_ENABLED)' })
  enabled: boolean;

  @ApiProperty({ example: 30, description: 'Seconds between polls (IMAP_POLL_SECONDS)' })
  poll_seconds: number;

  @ApiProperty({ type: MailCountsDto, description: 'Mails of every mailbox, summed (all 0 with no mailbox)' })
  counts: MailCountsDto;

  @ApiProperty({ type: [MailboxStatusDto], description: 'Each mailbox polled so far' })
  mailboxes: MailboxStatusDto[];
}

/** The status answer: the settings, a summary of every mailbox (the latest poll, summed counts) and each mailbox. */
export function toEmailStatus(settings: { enabled: boolean; pollSeconds: number }, rows: MailboxStatusRow[]): EmailStatusDto {
  const mailboxes = rows.map(toMailboxStatus);
  const latest = mailboxes
    .filter((m) => m.last_poll_at !== null)
    .reduce<MailboxStatusDto | null>((best, m) => (best === null || m.last_poll_at! > best.last_poll_at! ? m : best), null);
  const counts = { ingested: 0, skipped: 0, failed: 0 };
  for (const m of mailboxes) {
    counts.ingested += m.counts.ingested;
    counts.skipped += m.counts.skipped;
    counts.failed += m.counts.failed;
  }
  return {
    enabled: settings.enabled,
    poll_seconds: settings.pollSeconds,
    last_poll_at: latest?.last_poll_at ?? null,
    last_poll_result: latest?.last_poll_result ?? null,
    last_poll_error: latest?.last_poll_error ?? null,
    counts,
    mailboxes,
  };
}

export function toMailboxStatus(row: MailboxStatusRow): MailboxStatusDto {
  return {
    mailbox: row.key,
    last_poll_at: row.lastPollAt?.toISOString() ?? null,
    last_poll_result: row.lastPollOk === null ? null : row.lastPollOk ? 'ok' : 'failed',
    last_poll_error: row.lastPollError,
    server_messages: row.serverMessages,
    held_messages: row.counts.ingested + row.counts.skipped + row.counts.failed,
    counts: row.counts,
    skipped_by_reason: row.skippedByReason,
    failed_by_reason: row.failedByReason,
    uid_validity: row.uidValidity,
    last_uid: row.lastUid,
  };
}
