import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to `webhook_endpoints` NOTIFYs `webhook_endpoints`, so each instance refreshes at
 * once which events have a subscriber (its raisers skip the work for the others): an endpoint
 * registered on one instance gets the events raised on every other within moments, not after the
 * next periodic refresh.
 */
export class WebhookEndpointsNotify1764800600000 implements MigrationInterface {
  name = 'WebhookEndpointsNotify1764800600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_webhook_endpoints() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('webhook_endpoints', '');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER webhook_endpoints_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON webhook_endpoints
      FOR EACH STATEMENT EXECUTE FUNCTION notify_webhook_endpoints()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER webhook_endpoints_notify ON webhook_endpoints`);
    await q.query(`DROP FUNCTION notify_webhook_endpoints`);
  }
}
