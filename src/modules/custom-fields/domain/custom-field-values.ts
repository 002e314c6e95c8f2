/**
 * Custom ticket fields: what a value of each type may be, and how a ticket's `custom_fields`
 * (create and update) and a list filter (`?custom_fields.<key>=`) are checked against the
 * definitions. Plain functions: definitions and input in, normalised values or problems out.
 */

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'select', 'checkbox'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

/** A stored value: text, select and date are strings (a date as YYYY-MM-DD), number a number, checkbox a boolean. */
export type CustomFieldValue = string | number | boolean;
export type CustomFieldValues = Record<string, CustomFieldValue>;

export interface CustomFieldDefinition {
  key: string;
  type: CustomFieldType;
  /** The allowed values of a select field; null for other types. */
  options: readonly string[] | null;
  required: boolean;
  /** An internal field: customers neither see its values nor set them (it is unknown to them). */
  agent_only: boolean;
}

/** Who a ticket's values are checked for or shown to: agents (and admins) see every field; customers only those not agent-only. */
export type CustomFieldAudience = 'agent' | 'customer';

/** The definition of `key` as `audience` knows it: an agent-only field does not exist for customers. */
export function definitionFor<D extends CustomFieldDefinition>(definitions: ReadonlyMap<string, D>, key: string, audience: CustomFieldAudience): D | undefined {
  const definition = definitions.get(key);
  return definition && (audience === 'agent' || !definition.agent_only) ? definition : undefined;
}

/**
 * A ticket's values as `audience` may see them. Customers keep only the keys of fields defined
 * and not agent-only: a value whose definition is missing (being renamed or deleted) is left out,
 * so a stale read hides rather than shows.
 */
export function visibleValues(definitions: ReadonlyMap<string, CustomFieldDefinition>, values: CustomFieldValues, audience: CustomFieldAudience): CustomFieldValues {
  if (audience === 'agent') return values;
  const keys = Object.keys(values);
  const shown = keys.filter((key) => definitionFor(definitions, key, audience) !== undefined);
  return shown.length === keys.length ? values : Object.fromEntries(shown.map((key) => [key, values[key]]));
}

export interface CustomFieldProblem {
  field: string;
  problems: string[];
}

/** Keys: lower-case letters, digits and underscores, starting with a letter (also a CHECK in the table). */
export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
export const TEXT_MAX = 2000;
/** A date field holds a calendar date, no time. */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A number in a query string: optional sign, digits, optional fraction (no exponent, hex or spaces). */
const DECIMAL = /^-?(?:0|[1-9]\d{0,14})(?:\.\d{1,10})?$/;

const path = (key: string) => `custom_fields.${key}`;

function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Why `value` cannot be a value of `definition`, or null when it can. */
export function valueProblem(definition: CustomFieldDefinition, value: unknown): string | null {
  const field = path(definition.key);
  switch (definition.type) {
    case 'text':
      if (typeof value !== 'string') return `${field} must be a string`;
      if (value.trim() === '') return `${field} must not be empty (send null to clear it)`;
      return value.length > TEXT_MAX ? `${field} must be at most ${TEXT_MAX} characters` : null;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : `${field} must be a number`;
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? null : `${field} must be a date as YYYY-MM-DD`;
    case 'select':
      return typeof value === 'string' && definition.options!.includes(value) ? null : `${field} must be one of: ${definition.options!.join(', ')}`;
    case 'checkbox':
      return typeof value === 'boolean' ? null : `${field} must be true or false`;
  }
}

/** What `checkCustomFields` makes of a ticket's `custom_fields`: values to set, keys to clear, problems. */
export interface CheckedCustomFields {
  set: CustomFieldValues;
  /** Keys sent as null (on update: clear them). */
  clear: string[];
  problems: CustomFieldProblem[];
}

/**
 * Checks a ticket's `custom_fields` (as sent: anything) against the definitions by key, as
 * `audience` knows them (for a customer an agent-only field is unknown, and never required).
 * - An unknown key, or a value of the wrong type, is a problem naming `custom_fields.<key>`.
 * - null clears a value (on create it is the same as leaving the key out).
 * - `requireMissing` (a new ticket opened over REST): each required field must have a value.
 *   Otherwise (an update; a ticket made by chat, e-mail or the bot, where no one can fill the form)
 *   a required field may stay empty, but an update may not clear it with null.
 */
export function checkCustomFields(
  definitions: ReadonlyMap<string, CustomFieldDefinition>,
  input: unknown,
  requireMissing: boolean,
  audience: CustomFieldAudience,
): CheckedCustomFields {
  const result: CheckedCustomFields = { set: {}, clear: [], problems: [] };
  if (input !== undefined && (input === null || typeof input !== 'object' || Array.isArray(input))) {
    result.problems.push({ field: 'custom_fields', problems: ['custom_fields must be an object of field keys and values'] });
    return result;
  }
  const given = (input ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(given)) {
    const definition = definitionFor(definitions, key, audience);
    if (!definition) {
      result.problems.push({ field: path(key), problems: [`${path(key)} is not a defined custom field`] });
    } else if (value === null) {
      if (definition.required) result.problems.push({ field: path(key), problems: [`${path(key)} is required and cannot be cleared`] });
      else result.clear.push(key);
    } else {
      const problem = valueProblem(definition, value);
      if (problem) result.problems.push({ field: path(key), problems: [problem] });
      else result.set[key] = value as CustomFieldValue;
    }
  }
  if (requireMissing) {
    for (const definition of definitions.values()) {
      if (definition.required && given[definition.key] === undefined && (audience === 'agent' || !definition.agent_only)) {
        result.problems.push({ field: path(definition.key), problems: [`${path(definition.key)} is required`] });
      }
    }
  }
  return result;
}

/**
 * A list filter's value (query-string text) as the field's type stores it, for
 * `custom_fields @> {key: value}`; or a problem naming `custom_fields.<key>`.
 */
export function parseFilterValue(definition: CustomFieldDefinition | undefined, key: string, text: unknown): { value: CustomFieldValue } | { problem: CustomFieldProblem } {
  const field = path(key);
  const fail = (message: string) => ({ problem: { field, problems: [message] } });
  if (!definition) return fail(`${field} is not a defined custom field`);
  if (typeof text !== 'string') return fail(`${field} must be given once`);
  let value: unknown = text;
  if (definition.type === 'number') {
    if (!DECIMAL.test(text)) return fail(`${field} must be a number`);
    value = Number(text);
  } else if (definition.type === 'checkbox') {
    if (text !== 'true' && text !== 'false') return fail(`${field} must be true or false`);
    value = text === 'true';
  }
  const problem = valueProblem(definition, value);
  return problem ? fail(problem) : { value: value as CustomFieldValue };
}

/** Custom-field values alike (flat: a value is a string, number or boolean; keys in any order). */
export function sameValues(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}
