import { broadcastStaysLocal } from '#src/modules/chat/domain/broadcast-scope.js';

describe('broadcastStaysLocal', () => {
  const quiet = 60_000;
  it.each([
    ['alone, no other seen for the whole window', 1, 100_000, 40_000, true],
    ['alone, the last other seen longer ago than the window', 1, 500_000, 0, true],
    ['alone, but another seen 59 s ago (its clients may still be connected)', 1, 100_000, 41_000, false],
    ['alone, but started less than a window ago', 1, 30_000, 0, false],
    ['another instance is up', 2, 500_000, 500_000, false],
    ['another instance is up, however stale the sighting', 3, 500_000, 0, false],
  ])('%s', (_, serverCount, now, othersSeenAt, local) => {
    expect(broadcastStaysLocal(serverCount, now, othersSeenAt, quiet)).toBe(local);
  });
});
