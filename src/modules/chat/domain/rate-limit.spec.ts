import { allowEvent } from '#src/modules/chat/domain/rate-limit.js';

describe('allowEvent', () => {
  it.each([
    ['the first event', [], 1000, true],
    ['an event under the limit', [100, 200], 1000, true],
    ['the event over the limit', [100, 200, 300], 1000, false],
    ['an event once old ones left the window', [100, 200, 300], 10_150, true],
    ['an event exactly one window after the oldest', [100, 200, 300], 10_100, true],
  ])('%s', (_, history, now, allowed) => {
    expect(allowEvent(history, now, 3, 10_000).allowed).toBe(allowed);
  });

  it('keeps only the window and records allowed events', () => {
    expect(allowEvent([1, 2, 50_000], 55_000, 3, 10_000).history).toEqual([50_000, 55_000]);
    expect(allowEvent([1, 2, 3], 4, 3, 10_000).history).toEqual([1, 2, 3]);
  });
});
