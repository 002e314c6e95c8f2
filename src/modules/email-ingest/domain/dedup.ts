import { createHash } from 'node:crypto';

/**
 * The key that makes a mail ingest once (a unique index on it): its Message-ID, compared without
 * brackets and case; without one, a hash of its date, sender and body, so the same mail fetched
 * twice (two polls, a restart, a changed UIDVALIDITY) still matches itself.
 */
export function mailDedupKey(mail: { messageId?: string | null; date?: Date | null; fromEmail: string; body: string }): string {
  const id = mail.messageId?.trim().replace(/^<|>$/g, '').toLowerCase();
  if (id) return `mid:${id}`;
  const hash = createHash('sha256')
    .update(`${mail.date?.toISOString() ?? ''}\n${mail.fromEmail.trim().toLowerCase()}\n${mail.body}`)
    .digest('hex');
  return `sha256:${hash}`;
}
