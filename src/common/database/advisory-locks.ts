/**
 * Every PostgreSQL advisory lock the service (and its test harness) takes, in one place, as immich
 * keeps its `DatabaseLock` enum: a new lock picks a key here, so two features never share one.
 *
 * The keys are a protocol between instances: during a rolling deploy an old and a new instance
 * must take the same key to exclude each other, so never change or reuse a value once released.
 */
export enum AdvisoryLock {
  /** Session lock while migrations run at start-up (src/database/data-source.ts). */
  MIGRATIONS = 7_370_001,
  /** Session lock while the test harness migrates its template database (test/utils/test-db.ts). */
  TEST_TEMPLATE = 7_370_002,
  /** Transaction lock around each automatic assignment, so two never fill an agent's last slot. */
  ASSIGNMENT = 7_370_010,
  /**
   * Transaction lock per recipient while a capped mail is counted and queued (MailRepository), taken
   * in the two-key form (this, hashtext(address)), a key space apart from the one-key locks here.
   */
  MAIL_CAP = 7_370_020,
}

/**
 * Locks of periodic jobs, taken by `runExclusively` as `hashtext(name)`: the name is the key, as
 * fixed as the numbers above. The hashes share the numbers' key space: check a new name with
 * `SELECT hashtext('…')` (the sweep's is -625921959).
 */
export enum JobLock {
  /** The sweep of attachment files without a row (AttachmentsService.sweepOrphans). */
  ATTACHMENTS_ORPHAN_SWEEP = 'attachments.orphan-sweep',
  /** Creating the first admin at start-up: one of several instances starting at once does it. */
  ADMIN_BOOTSTRAP = 'admin-bootstrap',
  /** Naming the system queues in LOCALE at start-up (SystemQueuesService); hashtext 935517003. */
  QUEUE_NAMES = 'queues.localize',
}
