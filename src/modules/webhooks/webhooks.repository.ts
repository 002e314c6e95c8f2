import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export interface EndpointRow {
  id: number;
  url: string;
  events: string[];
  active: boolean;
  secret: string;
  consecutive_failures: number;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface DeliveryRow {
  id: string;
  endpoint_id: number;
  webhook_id: string;
  event_type: string;
  ticket_id: number | null;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  response_code: number | null;
  duration_ms: number | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A delivery with what sending it needs from its endpoint. */
export interface DeliveryToSend extends DeliveryRow {
  body: object;
  url: string;
  secret: string;
  active: boolean;
  /** The endpoint's failed deliveries in a row, as read with the delivery. */
  consecutive_failures: number;
}

export interface NewDelivery {
  endpointId: number;
  webhookId: string;
  eventType: string;
  ticketId: number | null;
  body: object;
}

export interface EndpointChanges {
  url?: string;
  events?: string[];
  active?: boolean;
}

const DELIVERY_COLUMNS = `d.id, d.endpoint_id, d.webhook_id, d.event_type, d.ticket_id, d.status, d.attempts, d.response_code,
  d.duration_ms, d.last_error, d.created_at, d.updated_at`;

/** `webhook_endpoints` and `webhook_deliveries`. */
@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(endpoint: { url: string; events: string[]; active: boolean; secret: string }): Promise<EndpointRow> {
    const [row] = (await this.db.query(`INSERT INTO webhook_endpoints (url, events, active, secret) VALUES ($1, $2, $3, $4) RETURNING *`, [
      endpoint.url,
      endpoint.events,
      endpoint.active,
      endpoint.secret,
    ])) as EndpointRow[];
    return row;
  }

  /** Oldest first, keyset by id; up to `limit + 1` rows after `afterId`. */
  list(afterId: number | undefined, limit: number): Promise<EndpointRow[]> {
    return this.db.query(`SELECT * FROM webhook_endpoints WHERE id > $1 ORDER BY id LIMIT $2`, [afterId ?? 0, limit + 1]);
  }

  async findById(id: number): Promise<EndpointRow | null> {
    const [row] = (await this.db.query(`SELECT * FROM webhook_endpoints WHERE id = $1`, [id])) as EndpointRow[];
    return row ?? null;
  }

  /** Applies the changes; turning an endpoint on again forgets its failures. Null if it does not exist. */
  async update(id: number, changes: EndpointChanges, now: Date): Promise<EndpointRow | null> {
    const [rows] = (await this.db.query(
      `UPDATE webhook_endpoints
          SET url = coalesce($2, url), events = coalesce($3, events), active = coalesce($4, active), updated_at = $5,
              consecutive_failures = CASE WHEN $4 THEN 0 ELSE consecutive_failures END,
              disabled_at = CASE WHEN $4 THEN NULL ELSE disabled_at END
        WHERE id = $1 RETURNING *`,
      [id, changes.url ?? null, changes.events ?? null, changes.active ?? null, now],
    )) as [EndpointRow[], number];
    return rows[0] ?? null;
  }

  async delete(id: number): Promise<boolean> {
    const [, count] = (await this.db.query(`DELETE FROM webhook_endpoints WHERE id = $1`, [id])) as [unknown, number];
    return count > 0;
  }

  /** The event types some active endpoint subscribes to. */
  async subscribedTypes(): Promise<string[]> {
    const rows = (await this.db.query(`SELECT DISTINCT unnest(events) AS type FROM webhook_endpoints WHERE active`)) as { type: string }[];
    return rows.map((row) => row.type);
  }

  /** Active endpoints subscribed to any of `types`, in `manager`'s transaction. */
  subscribers(manager: EntityManager, types: string[]): Promise<Pick<EndpointRow, 'id' | 'events'>[]> {
    return manager.query(`SELECT id, events FROM webhook_endpoints WHERE active AND events && $1::varchar[] ORDER BY id`, [types]);
  }

  /** Adds deliveries in `manager`'s transaction; their ids in the same order. */
  async insertDeliveries(manager: EntityManager, deliveries: NewDelivery[]): Promise<string[]> {
    const rows = (await manager.query(
      `INSERT INTO webhook_deliveries (endpoint_id, webhook_id, event_type, ticket_id, body)
       SELECT e, w, t, k, b FROM unnest($1::int[], $2::varchar[], $3::varchar[], $4::int[], $5::jsonb[]) WITH ORDINALITY AS d(e, w, t, k, b, n)
       ORDER BY n RETURNING id`,
      [
        deliveries.map((d) => d.endpointId),
        deliveries.map((d) => d.webhookId),
        deliveries.map((d) => d.eventType),
        deliveries.map((d) => d.ticketId),
        deliveries.map((d) => JSON.stringify(d.body)),
      ],
    )) as { id: string }[];
    return rows.map((row) => row.id);
  }

  async findToSend(id: string): Promise<DeliveryToSend | null> {
    const [row] = (await this.db.query(
      `SELECT ${DELIVERY_COLUMNS}, d.body, e.url, e.secret, e.active, e.consecutive_failures
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1`,
      [id],
    )) as DeliveryToSend[];
    return row ?? null;
  }

  /** Keeps an attempt's outcome on its delivery. */
  async recordAttempt(
    id: string,
    attempt: { status: DeliveryRow['status']; attempts: number; responseCode: number | null; durationMs: number; error: string | null },
    now: Date,
  ): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries SET status = $2, attempts = $3, response_code = $4, duration_ms = $5, last_error = $6, updated_at = $7 WHERE id = $1`,
      [id, attempt.status, attempt.attempts, attempt.responseCode, attempt.durationMs, attempt.error?.slice(0, 2000) ?? null, now],
    );
  }

  async endpointSucceeded(endpointId: number): Promise<void> {
    await this.db.query(`UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures > 0`, [endpointId]);
  }

  /**
   * One more delivery given up in a row; at `limit` the endpoint is made inactive. True when this
   * call made it so.
   */
  async endpointFailed(endpointId: number, limit: number, now: Date): Promise<boolean> {
    const [rows] = (await this.db.query(
      `UPDATE webhook_endpoints e
          SET consecutive_failures = e.consecutive_failures + 1,
              active = e.active AND e.consecutive_failures + 1 < $2,
              disabled_at = CASE WHEN e.active AND e.consecutive_failures + 1 >= $2 THEN $3 ELSE e.disabled_at END
         FROM webhook_endpoints old WHERE old.id = e.id AND e.id = $1
       RETURNING old.active AND NOT e.active AS disabled`,
      [endpointId, limit, now],
    )) as [{ disabled: boolean }[], number];
    return rows[0]?.disabled ?? false;
  }

  /** Newest first, keyset by id; up to `limit + 1` deliveries of an endpoint before `beforeId`. */
  listDeliveries(endpointId: number, beforeId: number | undefined, limit: number): Promise<DeliveryRow[]> {
    return this.db.query(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.endpoint_id = $1 AND ($2::bigint IS NULL OR d.id < $2) ORDER BY d.id DESC LIMIT $3`,
      [endpointId, beforeId ?? null, limit + 1],
    );
  }
}
