/** How many leading bytes type detection looks at (what `file-type` needs, too). */
export const SNIFF_BYTES = 4100;

export const OCTET_STREAM = 'application/octet-stream';
export const TEXT_PLAIN = 'text/plain';

/** Types a browser renders or runs in our origin: never shown inline. */
const ACTIVE_TYPES = new Set([
  'text/html',
  'application/xhtml+xml',
  'image/svg+xml',
  'application/xml',
  'text/xml',
  'text/javascript',
  'application/javascript',
  'application/ecmascript',
  'text/ecmascript',
  'application/x-shockwave-flash',
]);
const ACTIVE_EXTENSIONS = new Set(['html', 'htm', 'shtml', 'xhtml', 'xht', 'svg', 'svgz', 'xml', 'xsl', 'xslt', 'js', 'mjs', 'cjs', 'swf']);

/**
 * Text types a sender's label is kept for, when the bytes are text and look like no markup: a
 * browser given one of these (with nosniff) shows it as text or saves it, and never renders or
 * runs it. XML is not here: a browser renders XML, and XHTML inside it runs; XML is recognised
 * from its bytes (the `<?xml` declaration) as application/xml, an alias of text/xml (RFC 7303).
 */
const PASSIVE_TEXT_TYPES = new Set([TEXT_PLAIN, 'application/json', 'text/csv', 'text/tab-separated-values', 'text/markdown']);

/** Shown in the browser when asked to (previews); everything else downloads. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp', 'application/pdf', ...PASSIVE_TEXT_TYPES]);

const MARKUP: [RegExp, string][] = [
  [/<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<script[\s>]|<iframe[\s>]|<meta[\s>]|<a\s+href/, 'text/html'],
  [/<svg[\s>]/, 'image/svg+xml'],
  [/^<\?xml[\s?]/, 'application/xml'],
];

/**
 * The content type of an upload, decided by its bytes so that a sender cannot label a page as a
 * picture: what `file-type` recognised by magic numbers; else, for text, markup a browser would
 * render (HTML, SVG, XML), then the declared type when it is a passive text type (JSON, CSV,
 * Markdown…), then plain text; anything else (control bytes, invalid UTF-8) is an opaque binary.
 * `head` is the first SNIFF_BYTES of the file; `declared` is the part's Content-Type, if any.
 */
export function detectContentType(recognised: string | undefined, head: Uint8Array, declared?: string): string {
  if (recognised) return recognised;
  const text = asText(head);
  if (text === null) return OCTET_STREAM;
  const start = text.replace(/^\uFEFF/, '').trimStart().toLowerCase();
  for (const [pattern, type] of MARKUP) if (pattern.test(start)) return type;
  const label = declared?.split(';')[0]!.trim().toLowerCase() ?? '';
  return PASSIVE_TEXT_TYPES.has(label) ? label : TEXT_PLAIN;
}

/**
 * The sample as text, or null when it is not: control bytes other than tab, line feed, form feed
 * and carriage return (NUL, ESC, DEL… mark a binary format), or invalid UTF-8 (a sequence cut at
 * the end of the sample is fine). The byte loop comes first: it stops at once on most binaries.
 */
function asText(head: Uint8Array): string | null {
  for (let i = 0; i < head.length; i += 1) {
    const byte = head[i]!;
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) || byte === 0x7f) return null;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return null;
  }
}

/**
 * Whether a stored file may be shown inline: only passive types from the allow-list, and never
 * when its name says it is something a browser would run (a renamed page stays a download).
 */
export function servedInline(contentType: string, filename: string): boolean {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (ACTIVE_TYPES.has(type) || !INLINE_TYPES.has(type)) return false;
  const dot = filename.lastIndexOf('.');
  return dot < 0 || !ACTIVE_EXTENSIONS.has(filename.slice(dot + 1).toLowerCase());
}
