/**
 * Snippets come from PostgreSQL's ts_headline with these control characters around each matched
 * word (article texts cannot contain them: see `hasControlCharacters`); everything is then
 * HTML-escaped here and only the markers become `<b>` and `</b>`.
 */
export const HIGHLIGHT_START = '\u0001';
export const HIGHLIGHT_STOP = '\u0002';

/** Splits on either marker, keeping it (built from strings: lint refuses control characters in regex literals). */
const MARKERS = new RegExp(`([${HIGHLIGHT_START}${HIGHLIGHT_STOP}])`, 'u');

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** ts_headline's output as safe HTML: escaped, the matches in `<b>…</b>` (always balanced), spaces collapsed. */
export function renderSnippet(headline: string): string {
  let open = false;
  let html = '';
  for (const part of escapeHtml(headline.replace(/\s+/gu, ' ').trim()).split(MARKERS)) {
    if (part === HIGHLIGHT_START) {
      if (!open) html += '<b>';
      open = true;
    } else if (part === HIGHLIGHT_STOP) {
      if (open) html += '</b>';
      open = false;
    } else {
      html += part;
    }
  }
  return open ? `${html}</b>` : html;
}

/** C0 controls other than tab, line feed and carriage return (and DEL): refused in article texts. */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
  }
  return false;
}
