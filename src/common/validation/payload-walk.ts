import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import type { FieldProblem } from '#src/common/validation/validation.pipe.js';

/** Deepest nesting of objects and arrays a payload may have (the contract's bodies need 3). */
export const MAX_DEPTH = 32;

/** Own keys refused in every payload: they would reach an object's prototype in naive code. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | null;
  key: string;
}

const pathOf = (frame: Frame): string => {
  const keys: string[] = [];
  for (let at: Frame | null = frame; at?.parent; at = at.parent) keys.push(at.key);
  return keys.reverse().join('.') || 'value';
};

const at = (field: string, problem: string): FieldProblem => ({ field, problems: [problem] });

/** With the u flag a valid pair is one code point, so only an unpaired half matches. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** What is wrong with one string (a value or a key), or null. */
function stringProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode (no lone surrogates)';
  return null;
}

/**
 * The first problem in a parsed payload, or null. One iterative walk (no recursion, so no stack
 * overflow whatever the depth), done before anything else walks the payload: nesting deeper than
 * `maxDepth`, NUL characters (PostgreSQL cannot store U+0000 in text), lone surrogates (malformed
 * Unicode), and the own keys `__proto__`, `constructor` and `prototype`.
 */
export function findPayloadProblem(payload: unknown, maxDepth = MAX_DEPTH): FieldProblem | null {
  const stack: Frame[] = [{ value: payload, depth: 0, parent: null, key: '' }];
  for (let frame = stack.pop(); frame; frame = stack.pop()) {
    const { value } = frame;
    if (typeof value === 'string') {
      const problem = stringProblem(value);
      if (problem) return at(pathOf(frame), `${pathOf(frame)} ${problem}`);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const depth = frame.depth + 1;
    if (depth > maxDepth) return at(pathOf(frame), `${pathOf(frame)} must not be nested more than ${maxDepth} levels deep`);
    for (const key of Object.keys(value)) {
      const child: Frame = { value: (value as Record<string, unknown>)[key], depth, parent: frame, key };
      if (PROTOTYPE_KEYS.has(key)) return at(pathOf(child), `property ${key} should not exist`);
      const keyProblem = stringProblem(key);
      if (keyProblem) return at(pathOf(frame), `${pathOf(frame)}: keys ${keyProblem}`);
      stack.push(child);
    }
  }
  return null;
}

/** Throws VALIDATION_FAILED naming the field when a payload has one of findPayloadProblem's faults. */
export function rejectBadPayload(payload: unknown): void {
  const problem = findPayloadProblem(payload);
  if (problem) throw new AppError(ErrorCode.VALIDATION_FAILED, 'The request is not valid', [problem]);
}
