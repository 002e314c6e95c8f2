import { AdvisoryLock, JobLock } from '#src/common/database/advisory-locks.js';

describe('advisory locks', () => {
  // A TypeScript enum accepts two members with one value: two features sharing a key would
  // silently serialise (or skip) each other's work.
  it.each<[string, (number | string)[]]>([
    ['AdvisoryLock', Object.values(AdvisoryLock).filter((value) => typeof value === 'number')],
    ['JobLock', Object.values(JobLock)],
  ])('gives every %s its own key', (_, keys) => {
    expect(new Set(keys).size).toBe(keys.length);
  });
});
