import { type AddressObject, simpleParser } from 'mailparser';
import { bodyText } from '#src/modules/email-ingest/domain/mail-content.js';
import { messageIdsIn } from '#src/modules/email-ingest/domain/threading.js';

/** A file that came with a mail: a real attachment, or an inline image a `cid:` link shows. */
export interface MailFile {
  filename: string | null;
  content: Buffer;
  /** The Content-ID an HTML body refers to as `cid:…`; null for plain attachments. */
  cid: string | null;
  /** The type the sender's mail gave the part (kept only where the upload rules keep a declared type). */
  contentType: string | null;
}

/** What the e-mail channel needs of a mail, decoded. */
export interface ReadMail {
  /** Without angle brackets; null when the mail has none. */
  messageId: string | null;
  /** In-Reply-To then References, without brackets, each once. */
  threadIds: string[];
  from: { address: string; name: string } | null;
  subject: string | null;
  date: Date | null;
  /** text/plain, else the HTML as text. */
  text: string;
  /** Header name (lower case) → its raw values, unfolded, for the auto-reply rules. */
  headers: Record<string, string[]>;
  contentType: string;
  files: MailFile[];
}

/** An address of a person, as the users table takes it (lower case, something@something). */
const ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+$/;

/**
 * Decodes a raw mail with mailparser: MIME parts and encodings, charsets (KOI8-R, windows-1251…),
 * encoded words in headers. HTML is turned into text by our own rules (domain/mail-content), not
 * mailparser's. Throws only when the source cannot be read as a mail at all.
 */
export async function readMail(raw: Buffer): Promise<ReadMail> {
  const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, keepCidLinks: true });
  const headers: Record<string, string[]> = {};
  for (const { key, line } of parsed.headerLines) {
    const value = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    (headers[key.toLowerCase()] ??= []).push(value);
  }
  return {
    messageId: messageIdsIn(parsed.messageId)[0] ?? (parsed.messageId?.trim() || null),
    threadIds: messageIdsIn([...(headers['in-reply-to'] ?? []), ...(headers['references'] ?? [])]),
    from: senderOf(parsed.from),
    subject: parsed.subject ?? null,
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
    text: bodyText({ text: parsed.text, html: parsed.html }),
    headers,
    contentType: headers['content-type']?.[0] ?? 'text/plain',
    files: parsed.attachments.map((file) => ({
      filename: file.filename ?? null,
      content: file.content,
      cid: file.contentDisposition === 'inline' || file.related ? (file.cid ?? null) : null,
      contentType: file.contentType ?? null,
    })),
  };
}

function senderOf(from: AddressObject | undefined): ReadMail['from'] {
  const first = from?.value.find((entry) => entry.address);
  const address = first?.address?.trim().toLowerCase();
  if (!address || address.length > 254 || !ADDRESS.test(address)) return null;
  return { address, name: first?.name?.trim() ?? '' };
}
