/**
 * Snippets come from PostgreSQL's ts_headline with these control characters around each matched
 * word (article texts cannot contain them: see `hasControlCharacters`); everything is then
 * HTML-escaped here and only the markers become `<b>` and `</b>`.
 */
export const HIGHLIGHT_START = '\u0001';
export const HIGHLIGHT_STOP = '\u0002';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** ts_headline's output as safe HTML: escaped, the matches in `<b>…</b>` (always balanced), spaces collapsed. */
export function renderSnippet(headline: string): string {
  let open = false;
  let html = '';
  for (const part of escapeHtml(headline.replace(/\s+/gu, ' ').trim()).split(/([\u0001\u0002])/u)) {
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
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u.test(text);
}
