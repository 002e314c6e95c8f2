import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Visit keys rotate at each renewal, and a key that was rotated away and comes back is a sign that
 * it was copied: refresh-token rotation with reuse detection (RFC 6819 5.2.2.3, OAuth 2.0 Security
 * BCP 4.14.2). Only SHA-256 hashes of keys are stored (the current one and the one it replaced).
 *
 * A key's secret (43 base64url characters, 32 bytes) is a 16-byte nonce and a 16-byte tag, an HMAC
 * of the visit and the nonce under a server key: the server recognises any key it ever gave a visit,
 * however old, without storing it, while a made-up key (someone trying visit ids one by one) never
 * passes for an old one and so cannot end anybody's visit. The first key's nonce is random; each
 * next nonce is an HMAC of the key it replaces, so a renewal retried with the same key (its answer
 * lost on the network) is given the same new key again, with nothing but hashes stored.
 */

const NONCE_BYTES = 16;
const TAG_BYTES = 16;

/**
 * How long after a rotation the key it replaced is still taken as a retry of that renewal rather
 * than as reuse: long enough for a response lost on the network to be retried, also by the widget's
 * later tries (it retries a renewal that got no answer at once, then every 30 s: a visitor whose
 * network dropped just as the answer came must not lose the chat), short enough that a copied key
 * renewed later gives itself away. Within it, the old key gets the same new key again: a thief
 * inside this window shares the visit's one chain of keys, and once either renews, the other's
 * next renewal (with a key now replaced), past the window, ends the visit.
 */
export const VISIT_KEY_RETRY_GRACE_MS = 120_000;

/** The SHA-256 stored for a key's secret (of its text, as stored since keys exist). */
export function visitKeyHash(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

function tag(macKey: Buffer, visitorSessionId: number, nonce: Buffer): Buffer {
  return createHmac('sha256', macKey).update(`visit-key-tag:${visitorSessionId}:`).update(nonce).digest().subarray(0, TAG_BYTES);
}

function secretOf(macKey: Buffer, visitorSessionId: number, nonce: Buffer): string {
  return Buffer.concat([nonce, tag(macKey, visitorSessionId, nonce)]).toString('base64url');
}

/** The secret of a visit's first key. */
export function firstVisitSecret(macKey: Buffer, visitorSessionId: number, nonce: Buffer = randomBytes(NONCE_BYTES)): string {
  return secretOf(macKey, visitorSessionId, nonce);
}

/** The secret of the key that replaces `secret`: always the same for the same key, so a retried renewal answers alike. */
export function nextVisitSecret(macKey: Buffer, visitorSessionId: number, secret: string): string {
  const nonce = createHmac('sha256', macKey).update(`visit-key-next:${visitorSessionId}:`).update(secret).digest().subarray(0, NONCE_BYTES);
  return secretOf(macKey, visitorSessionId, nonce);
}

/** Whether the server gave this secret to this visit at some time (compared in constant time). */
export function issuedToVisit(macKey: Buffer, visitorSessionId: number, secret: string): boolean {
  const bytes = Buffer.from(secret, 'base64url');
  // Only the canonical spelling: another text for the same bytes was never given out.
  if (bytes.length !== NONCE_BYTES + TAG_BYTES || bytes.toString('base64url') !== secret) return false;
  return timingSafeEqual(bytes.subarray(NONCE_BYTES), tag(macKey, visitorSessionId, bytes.subarray(0, NONCE_BYTES)));
}

/** What the visit keeps of its keys. */
export interface VisitKeys {
  /** The key that renews now; null once the visit ended. */
  currentHash: Buffer | null;
  /** The key the last renewal replaced, and when; null before the first renewal and once the visit ended. */
  previousHash: Buffer | null;
  rotatedAt: Date | null;
  ended: boolean;
}

/** A key as presented: its hash, its replacement's hash, and whether the server ever gave it to the visit. */
export interface PresentedKey {
  hash: Buffer;
  nextHash: Buffer;
  issuedToVisit: boolean;
}

/**
 * - `rotate`: the current key; it is replaced by the next one.
 * - `retry`: the key just replaced, within the grace window; answered with the same next key, which
 *   stays current (no second rotation).
 * - `reuse`: a key the visit had before (the replaced one after the grace window, or older): the
 *   visit ends.
 * - `unknown`: anything else (a made-up key, an ended visit): refused, nothing changes.
 */
export type RenewalDecision = 'rotate' | 'retry' | 'reuse' | 'unknown';

const sameHash = (a: Buffer, b: Buffer | null): boolean => b !== null && a.length === b.length && timingSafeEqual(a, b);

/** What a renewal with `presented` does to a visit that keeps `keys`, at `now`. */
export function decideRenewal(keys: VisitKeys, presented: PresentedKey, now: Date): RenewalDecision {
  if (keys.ended) return 'unknown';
  // Both compared every time, in constant time: the answer's timing tells nothing of either.
  const isCurrent = sameHash(presented.hash, keys.currentHash);
  const isPrevious = sameHash(presented.hash, keys.previousHash);
  if (isCurrent) return 'rotate';
  if (isPrevious && keys.rotatedAt !== null) {
    // A clock a little behind another instance's (negative age) is still within the window.
    const withinGrace = now.getTime() - keys.rotatedAt.getTime() < VISIT_KEY_RETRY_GRACE_MS;
    if (!withinGrace) return 'reuse';
    // The retry is answered with the key the first renewal gave, only while that one is current.
    return sameHash(presented.nextHash, keys.currentHash) ? 'retry' : 'unknown';
  }
  return isPrevious || presented.issuedToVisit ? 'reuse' : 'unknown';
}
