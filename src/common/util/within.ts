/** Waits for `promise` at most `ms`: true if it settled in time, false if the time ran out. */
export function withinMs(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => setTimeout(resolve, ms, false).unref()),
  ]);
}
