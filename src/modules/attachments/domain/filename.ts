/** Longest stored filename, in UTF-8 bytes (what most filesystems and the column allow). */
export const FILENAME_MAX_BYTES = 255;
/** What a file is called when nothing usable is left of the name it came with. */
export const FALLBACK_FILENAME = 'attachment';

// C0 and C1 controls, DEL, line and paragraph separators, invisible characters (zero-width,
// BOM) that make a name look empty, and the direction marks and overrides that make
// "evil‮gpj.exe" read as ".jpg".
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/**
 * The name an uploaded file is shown and downloaded under: the last path segment only (either
 * slash), no control or direction characters, trimmed, at most 255 UTF-8 bytes (the extension is
 * kept when the name is cut), never empty, never "." or "..".
 */
export function cleanFilename(original: string | null | undefined): string {
  const base = (original ?? '').normalize('NFC').split(/[/\\]/).pop() ?? '';
  const cleaned = base.replace(UNSAFE_CHARACTERS, '').trim();
  if (cleaned === '' || /^\.+$/.test(cleaned)) return FALLBACK_FILENAME;
  return truncateUtf8(cleaned, FILENAME_MAX_BYTES);
}

function truncateUtf8(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const room = maxBytes - Buffer.byteLength(extension);
  let stem = '';
  // Whole code points only, so a cut never leaves half a character.
  for (const char of name.slice(0, name.length - extension.length)) {
    if (Buffer.byteLength(stem + char) > room) break;
    stem += char;
  }
  return stem.trimEnd() + extension;
}
