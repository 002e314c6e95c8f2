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

/** Shown in the browser when asked to (previews); everything else downloads. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp', 'application/pdf', TEXT_PLAIN]);

const MARKUP: [RegExp, string][] = [
  [/<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<script[\s>]|<iframe[\s>]|<meta[\s>]|<a\s+href/, 'text/html'],
  [/<svg[\s>]/, 'image/svg+xml'],
  [/^<\?xml[\s?]/, 'application/xml'],
];

/**
 * The content type of an upload, from its bytes only: what `file-type` recognised by magic
 * numbers; otherwise, for text, markup a browser would render (HTML, SVG, XML) or plain text;
 * otherwise an opaque binary. What the client declared is never used.
 */
export function detectContentType(recognised: string | undefined, head: Uint8Array): string {
  if (recognised) return recognised;
  if (!isText(head)) return OCTET_STREAM;
  const start = new TextDecoder('utf-8').decode(head).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  for (const [pattern, type] of MARKUP) if (pattern.test(start)) return type;
  return TEXT_PLAIN;
}

/** Text: no NUL bytes and valid UTF-8 (a sequence cut at the end of the sample is fine). */
function isText(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
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
