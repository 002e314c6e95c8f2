import {
  decideRenewal,
  firstVisitSecret,
  issuedToVisit,
  nextVisitSecret,
  type RenewalDecision,
  VISIT_KEY_RETRY_GRACE_MS,
  type VisitKeys,
  visitKeyHash,
} from '#src/modules/auth/domain/visit-key-rotation.js';
import { parseVisitKey, visitKey } from '#src/modules/auth/domain/visitor.js';

const macKey = Buffer.alloc(32, 7);
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The same 32 bytes spelt otherwise: the last character's two bits past the 256th flipped. */
const respelt = (secret: string) => secret.slice(0, 42) + BASE64URL[BASE64URL.indexOf(secret[42]) ^ 1];
const visit = 42;

describe('visit key secrets', () => {
  const first = firstVisitSecret(macKey, visit);

  it('are well-formed visit keys', () => {
    expect(parseVisitKey(visitKey(visit, first))).toEqual({ sessionId: visit, secret: first });
    expect(parseVisitKey(visitKey(visit, nextVisitSecret(macKey, visit, first)))?.secret).toBe(nextVisitSecret(macKey, visit, first));
  });

  it('decode alike when spelt otherwise (so only the canonical spelling counts)', () => {
    expect(Buffer.from(respelt(first), 'base64url')).toEqual(Buffer.from(first, 'base64url'));
  });

  it('follow one another the same way each time (a retried renewal gets the same key), and differ per visit', () => {
    const second = nextVisitSecret(macKey, visit, first);
    expect(second).not.toBe(first);
    expect(nextVisitSecret(macKey, visit, first)).toBe(second);
    expect(nextVisitSecret(macKey, visit + 1, first)).not.toBe(second);
    expect(firstVisitSecret(macKey, visit)).not.toBe(first);
  });

  it.each<[string, boolean, () => [number, string]]>([
    ['the first key', true, () => [visit, first]],
    ['a later key', true, () => [visit, nextVisitSecret(macKey, visit, nextVisitSecret(macKey, visit, first))]],
    ['a key of another visit', false, () => [visit + 1, first]],
    ['a key made under another server key', false, () => [visit, firstVisitSecret(Buffer.alloc(32, 8), visit)]],
    ['a made-up key', false, () => [visit, 'A'.repeat(43)]],
    ['a key with one character changed', false, () => [visit, (first[0] === 'A' ? 'B' : 'A') + first.slice(1)]],
    ['another spelling of the same bytes', false, () => [visit, respelt(first)]],
  ])('whether %s was given to the visit: %s', (_name, expected, args) => {
    const [id, secret] = args();
    expect(issuedToVisit(macKey, id, secret)).toBe(expected);
  });
});

describe('decideRenewal', () => {
  const rotatedAt = new Date('2026-12-02T10:00:00.000Z');
  const at = (ms: number) => new Date(rotatedAt.getTime() + ms);
  const older = firstVisitSecret(macKey, visit);
  const previous = nextVisitSecret(macKey, visit, older);
  const current = nextVisitSecret(macKey, visit, previous);
  const keys: VisitKeys = { currentHash: visitKeyHash(current), previousHash: visitKeyHash(previous), rotatedAt, ended: false };
  const presented = (secret: string) => ({
    hash: visitKeyHash(secret),
    nextHash: visitKeyHash(nextVisitSecret(macKey, visit, secret)),
    issuedToVisit: issuedToVisit(macKey, visit, secret),
  });

  it.each<[string, string, VisitKeys, number, RenewalDecision]>([
    ['the current key', current, keys, 0, 'rotate'],
    ['the current key, long after', current, keys, 86_400_000, 'rotate'],
    ['the previous key at once (a retry)', previous, keys, 0, 'retry'],
    ['the previous key just within the grace window', previous, keys, VISIT_KEY_RETRY_GRACE_MS - 1, 'retry'],
    ['the previous key on a clock a little behind', previous, keys, -500, 'retry'],
    ['the previous key at the end of the grace window', previous, keys, VISIT_KEY_RETRY_GRACE_MS, 'reuse'],
    ['the previous key a day later', previous, keys, 86_400_000, 'reuse'],
    ['an older key of the visit, at once', older, keys, 0, 'reuse'],
    ['an older key of the visit, later', older, keys, 86_400_000, 'reuse'],
    ['a made-up key', 'A'.repeat(43), keys, 0, 'unknown'],
    ['another visit’s key', firstVisitSecret(macKey, visit + 1), keys, 0, 'unknown'],
    ['the previous key when the current one is not what it gave (the server key changed)', previous, { ...keys, currentHash: visitKeyHash('other') }, 0, 'unknown'],
    ['the first key before any renewal', older, { currentHash: visitKeyHash(older), previousHash: null, rotatedAt: null, ended: false }, 0, 'rotate'],
    ['the current key of an ended visit', current, { currentHash: null, previousHash: null, rotatedAt: null, ended: true }, 0, 'unknown'],
    ['an older key of an ended visit', older, { currentHash: null, previousHash: null, rotatedAt: null, ended: true }, 0, 'unknown'],
  ])('%s', (_name, secret, state, elapsedMs, expected) => {
    expect(decideRenewal(state, presented(secret), at(elapsedMs))).toBe(expected);
  });
});
