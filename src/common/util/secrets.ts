import { randomBytes } from 'node:crypto';

/** A random secret of 24 base64url characters (144 bits): generated passwords. */
export function generateSecret(): string {
  return randomBytes(18).toString('base64url');
}
