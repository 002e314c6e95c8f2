/** A category and a queue proposed for a ticket; null where the model could not tell (or made it up). */
export interface Suggestion {
  category: string | null;
  queueId: number | null;
}

/** What the model chose from. */
export interface SuggestionChoices {
  queues: { id: number; name: string }[];
  categories: string[];
}

const CATEGORY_MAX = 100;

/**
 * Reads a model's answer to the categorisation prompt: a JSON object `{"category", "queue_id"}`,
 * possibly wrapped in prose or a code fence. A queue counts only when it is one of `queues` (by id,
 * or by name when the model named it instead); a category is tidied (trimmed, spaces collapsed,
 * lower case, at most 100 characters) and takes the spelling of a category in use that it equals
 * but for case. Anything unreadable suggests nothing.
 */
export function parseSuggestion(answer: string, choices: SuggestionChoices): Suggestion {
  const start = answer.indexOf('{');
  const end = answer.lastIndexOf('}');
  if (start < 0 || end < start) return { category: null, queueId: null };
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.slice(start, end + 1));
  } catch {
    return { category: null, queueId: null };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { category: null, queueId: null };
  const fields = parsed as Record<string, unknown>;
  return { category: readCategory(fields.category, choices.categories), queueId: readQueue(fields.queue_id ?? fields.queue, choices.queues) };
}

function readCategory(value: unknown, inUse: string[]): string | null {
  if (typeof value !== 'string') return null;
  const tidy = value.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase();
  if (tidy === '' || tidy === 'null') return null;
  const known = inUse.find((category) => category.toLocaleLowerCase() === tidy);
  return known ?? [...tidy].slice(0, CATEGORY_MAX).join('').trim();
}

function readQueue(value: unknown, queues: SuggestionChoices['queues']): number | null {
  const id = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : null;
  if (id !== null) return queues.some((queue) => queue.id === id) ? id : null;
  if (typeof value !== 'string') return null;
  const name = value.trim().toLocaleLowerCase();
  return queues.find((queue) => queue.name.toLocaleLowerCase() === name)?.id ?? null;
}
