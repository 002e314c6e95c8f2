import { MAX_TIMER_MS, nextExpiryCheck } from '#src/modules/chat/domain/token-expiry.js';

const DAY = 86_400_000;

describe('nextExpiryCheck', () => {
  it.each([
    ['a token with a minute left', 60_000, 60_000],
    ['a token one millisecond from its end', 1, 1],
    ['a token exactly at the cap', MAX_TIMER_MS, MAX_TIMER_MS],
    ['a 30-day token (waits the cap, then looks again)', 30 * DAY, MAX_TIMER_MS],
    ['a token that has just expired', 0, null],
    ['a token that expired a while ago', -5_000, null],
  ])('%s', (_, left, expected) => {
    const now = 1_700_000_000_000;
    expect(nextExpiryCheck(now + left, now)).toBe(expected);
  });

  it('takes a smaller cap', () => {
    expect(nextExpiryCheck(10_000, 0, 3_000)).toBe(3_000);
  });
});
