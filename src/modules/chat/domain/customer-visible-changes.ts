/** Fields of a ticket that its customer never sees (the language model's suggestions). */
const INTERNAL_FIELDS = new Set(['suggested_category', 'suggested_queue_id']);

/**
 * Whether a ticket change (its `changes`, field names as on the wire) moved what the ticket's
 * customer sees: `no` when every field is internal, `if its custom fields did` when the only other
 * field is `custom_fields` (agent-only values may be all that moved), else `yes` (an empty list is
 * taken as a change of unknown fields).
 */
export function customerViewMoved(changes: readonly string[]): 'yes' | 'no' | 'if its custom fields did' {
  if (changes.length === 0) return 'yes';
  const seen = changes.filter((name) => !INTERNAL_FIELDS.has(name));
  if (seen.length === 0) return 'no';
  return seen.every((name) => name === 'custom_fields') ? 'if its custom fields did' : 'yes';
}
