/**
 * Rules for the mail we send (issue 13): which kinds count against which hourly cap, our
 * Message-IDs, and the thread headers of a mail about a ticket. Pure.
 */

/** Every mail the service sends. */
export const MAIL_KINDS = ['confirmation', 'reply', 'reply_notification', 'resolved', 'assigned', 'password_reset', 'account_claim'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

/**
 * The hourly cap a kind counts against:
 * - `automatic`: mails the service sends on its own (a confirmation, notifications), MAIL_AUTO_PER_HOUR
 *   per address, so an auto-reply loop or a burst of changes cannot flood a mailbox;
 * - `links`: password-reset and account-claim links, MAIL_LINKS_PER_HOUR per address: asked for, but
 *   by anyone who knows the address, so capped on their own (the request is also limited per IP);
 * - `none`: an agent's reply on an e-mail ticket is the conversation itself, written by a person.
 */
export type CapClass = 'automatic' | 'links' | 'none';

export function capClassOf(kind: MailKind): CapClass {
  switch (kind) {
    case 'reply':
      return 'none';
    case 'password_reset':
    case 'account_claim':
      return 'links';
    case 'confirmation':
    case 'reply_notification':
    case 'resolved':
    case 'assigned':
      return 'automatic';
  }
}

/** The kinds that share a cap class (what the count per address sums). */
export function kindsOf(capClass: CapClass): MailKind[] {
  return MAIL_KINDS.filter((kind) => capClassOf(kind) === capClass);
}

/** Whether one more mail of the class may go to an address that got `sentInLastHour` of them. */
export function underCap(capClass: CapClass, sentInLastHour: number, caps: { automatic: number; links: number }): boolean {
  return capClass === 'none' || sentInLastHour < caps[capClass];
}

/** The domain of an address (`Support <help@example.com>` → `example.com`), lower case. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return address
    .slice(at + 1)
    .replace(/[>\s].*$/, '')
    .toLowerCase();
}

/** One of our Message-IDs, without the angle brackets (as email_message_ids keeps them). */
export function newMessageId(unique: string, domain: string): string {
  return `${unique}@${domain}`;
}

/** References never name more ids than this: the first of the thread and the newest ones (RFC 5322 allows trimming). */
export const MAX_REFERENCES = 20;

export interface ThreadId {
  messageId: string;
  direction: 'in' | 'out';
}

/**
 * In-Reply-To and References of a new mail on a ticket whose recorded ids are `thread` (oldest
 * first). In-Reply-To is `replyTo` when given (the customer's mail a confirmation answers), else the
 * newest mail from the customer, else the newest of ours; null on an empty thread. References lists
 * the thread (with `replyTo` last if missing), trimmed to the first id and the newest ones.
 */
export function threadHeaders(thread: ThreadId[], replyTo: string | null = null): { inReplyTo: string | null; references: string[] } {
  const ids = thread.map((t) => t.messageId);
  if (replyTo !== null && !ids.includes(replyTo)) ids.push(replyTo);
  const newestIn = [...thread].reverse().find((t) => t.direction === 'in')?.messageId ?? null;
  const inReplyTo = replyTo ?? newestIn ?? ids.at(-1) ?? null;
  const references = ids.length <= MAX_REFERENCES ? ids : [ids[0], ...ids.slice(ids.length - (MAX_REFERENCES - 1))];
  return { inReplyTo, references };
}

/** A subject on one line, without control characters, at most `max` characters. */
export function oneLine(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what goes
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A file on the message a mail carries, as its row has it. */
export interface MailFile {
  id: number;
  filename: string;
  size: number;
}

/**
 * Which of a message's files a mail attaches and which it only names: in the message's order, each
 * file that still fits the budget of `maxBytes` (file bytes, before base64 adds about a third) is
 * attached; the others are named in the mail with a note, to be fetched where the ticket is read.
 * A small file after a large one still goes when it fits.
 */
export function splitAttachments<T extends MailFile>(files: T[], maxBytes: number): { attached: T[]; named: T[] } {
  const attached: T[] = [];
  const named: T[] = [];
  let left = maxBytes;
  for (const file of files) {
    if (file.size <= left) {
      attached.push(file);
      left -= file.size;
    } else {
      named.push(file);
    }
  }
  return { attached, named };
}
