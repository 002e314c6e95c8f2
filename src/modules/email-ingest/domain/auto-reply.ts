/**
 * Mail that must make neither a ticket nor an answer (issue 13): auto-replies, bounces, bulk and
 * list mail, and our own. Each reason is a stable code the ingest logs and counts. Pure: headers
 * come in lower-cased by name, as mail parsers give them.
 */
export type SkipReason =
  | 'own_address'
  | 'auto_submitted'
  | 'precedence'
  | 'autoreply_header'
  | 'auto_response_suppress'
  | 'mailer_daemon'
  | 'delivery_report';

export interface MailFacts {
  fromEmail: string;
  /** Header name (lower case) → value(s). */
  headers: Record<string, string | string[] | undefined>;
  contentType?: string;
}

const SYSTEM_SENDERS = /^(mailer-daemon|postmaster)@/i;
const DELIVERY_REPORT = /^multipart\/report\b.*report-type\s*=\s*"?(delivery-status|disposition-notification)/i;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim().toLowerCase() ?? '';

/** Why this mail is skipped, or null when it is a person writing to us. Our own address first. */
export function skipReason(mail: MailFacts, ownAddresses: readonly string[]): SkipReason | null {
  const from = mail.fromEmail.trim().toLowerCase();
  if (ownAddresses.some((own) => own.trim().toLowerCase() === from)) return 'own_address';
  const autoSubmitted = first(mail.headers['auto-submitted']);
  if (autoSubmitted && autoSubmitted !== 'no') return 'auto_submitted';
  if (['bulk', 'junk', 'list', 'auto_reply'].includes(first(mail.headers['precedence']))) return 'precedence';
  if (mail.headers['x-autoreply'] !== undefined || mail.headers['x-autorespond'] !== undefined) return 'autoreply_header';
  if (mail.headers['x-auto-response-suppress'] !== undefined && /\b(all|oof|autoreply)\b/i.test(first(mail.headers['x-auto-response-suppress']))) {
    return 'auto_response_suppress';
  }
  if (SYSTEM_SENDERS.test(from)) return 'mailer_daemon';
  if (DELIVERY_REPORT.test(mail.contentType ?? '')) return 'delivery_report';
  return null;
}
