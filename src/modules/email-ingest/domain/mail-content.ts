import EmailReplyParser from 'email-reply-parser';
import { convert } from 'html-to-text';

/**
 * What of a mail becomes text on a ticket (issue 13): the plain-text part, else the HTML part as
 * text; for replies only what the customer wrote now, without the quoted history and signature.
 * Pure: mailparser has already decoded the parts.
 */

/** What a ticket's description and a message's content may hold (the tables' CHECKs). */
export const TEXT_MAX = 20_000;
export const TITLE_MAX = 200;

/** HTML as readable text: no wrapping, no image sources, a link's address only when it differs. */
export function htmlAsText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true, ignoreHref: false } },
    ],
  }).trim();
}

/** The mail's text: text/plain when present, else its HTML as text, else empty. */
export function bodyText(parts: { text?: string | null; html?: string | false | null }): string {
  const text = parts.text?.replace(/\r\n/g, '\n').trim();
  if (text) return text;
  return parts.html ? htmlAsText(parts.html) : '';
}

/**
 * Lines that introduce quoted history in clients that email-reply-parser does not know: a last
 * line ending in ":" that names an address (`… <a@b>:` as Gmail writes it in Russian), or the
 * Russian "написал(а):" / "пишет:".
 */
const QUOTE_HEADER = [/<[^<>\s]+@[^<>\s]+>[^\n]*:\s*$/, /(написал\(а\)|написала?|пишет|wrote)\s*:\s*$/i];

/** What the sender wrote in a reply: quoted history and signature removed. Never empty if `text` is not. */
export function visibleReply(text: string): string {
  const visible = new EmailReplyParser().read(text).getVisibleText().trim();
  const lines = visible.split('\n');
  while (lines.length > 1 && QUOTE_HEADER.some((pattern) => pattern.test(lines[lines.length - 1]!))) {
    lines.pop();
    while (lines.length > 1 && lines[lines.length - 1]!.trim() === '') lines.pop();
  }
  const stripped = lines.join('\n').trim();
  return stripped || text.trim();
}

/** Text cut to `max` characters at most, with `marker` at the end when cut. */
export function fitText(text: string, max: number, marker: string): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - marker.length - 1)).trimEnd()}\n${marker}`.slice(0, max);
}

/** A ticket title from a subject: one line, trimmed, at most TITLE_MAX characters; `fallback` when blank. */
export function titleFromSubject(subject: string | null | undefined, fallback: string): string {
  const line = (subject ?? '').replace(/\s+/g, ' ').trim();
  if (!line) return fallback;
  return line.length <= TITLE_MAX ? line : `${line.slice(0, TITLE_MAX - 1).trimEnd()}…`;
}
