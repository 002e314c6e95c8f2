/**
 * Placeholders in canned responses: a plain `{{ path }}` replacement, not a template engine. Only
 * the four names below are filled; anything else between braces stays exactly as written. Values
 * are inserted as plain text in one pass, so a value that itself looks like a placeholder (a
 * customer named "{{ticket.id}}") is never expanded, and no template can run code or read more.
 */
export const PLACEHOLDERS = ['customer.name', 'ticket.id', 'ticket.title', 'agent.name'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

/** `{{name}}` or `{{ name }}`: a name without braces or spaces, blanks allowed around it. */
const PLACEHOLDER_PATTERN = /\{\{[ \t]*([^{}\s]+)[ \t]*\}\}/g;

const isPlaceholder = (name: string): name is Placeholder => (PLACEHOLDERS as readonly string[]).includes(name);

export function renderPlaceholders(template: string, values: PlaceholderValues): string {
  return template.replace(PLACEHOLDER_PATTERN, (written, name: string) => (isPlaceholder(name) ? values[name] : written));
}

/** Shortcuts: lower case letters, digits and `_ . -`, starting with a letter or digit; a leading `/` is dropped. */
export const SHORTCUT_MAX = 50;
export const SHORTCUT_PATTERN = /^[a-z0-9][a-z0-9_.-]*$/;

/** A shortcut as stored and searched: trimmed, without a leading `/` (as agents type it), in lower case. */
export function normaliseShortcut(value: string): string {
  return value.trim().replace(/^\//, '').toLowerCase();
}
