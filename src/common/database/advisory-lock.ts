import type { DataSource, EntityManager } from 'typeorm';
import type { JobLock } from '#src/common/database/advisory-locks.js';

/**
 * Runs `work` in a transaction holding the advisory lock `lock`, or skips it (returns null) when
 * another instance holds it: how a periodic job runs once however many instances there are.
 */
export function runExclusively<T>(db: DataSource, lock: JobLock, work: (manager: EntityManager) => Promise<T>): Promise<T | null> {
  return db.transaction(async (manager) => {
    const [row] = (await manager.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [lock])) as { locked: boolean }[];
    return row?.locked ? work(manager) : null;
  });
}
