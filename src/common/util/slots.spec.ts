import { Slots } from '#src/common/util/slots.js';

describe('Slots', () => {
  it('runs at most `size` tasks at once and the waiting ones in their order', async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const task = (n: number) => () =>
      new Promise<number>((resolve) => {
        running += 1;
        most = Math.max(most, running);
        started.push(n);
        releases.push(() => {
          running -= 1;
          resolve(n);
        });
      });
    const done = [1, 2, 3, 4].map((n) => slots.run(task(n)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([1, 2]);
    expect(slots.waitingCount).toBe(2);
    while (releases.length > 0) {
      releases.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await Promise.all(done)).toEqual([1, 2, 3, 4]);
    expect(started).toEqual([1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(slots.waitingCount).toBe(0);
  });
});
