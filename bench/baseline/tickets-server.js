// The baseline for bench/tickets.js: a bare node:http + pg server doing the same INSERT and the
// same indexed SELECT as POST /api/v1/tickets and GET /api/v1/tickets?status=open&limit=20, with
// no framework, no auth and no validation. What the service costs is measured against this.
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const clientId = Number(process.env.BASELINE_CLIENT_ID);
const queueId = Number(process.env.BASELINE_QUEUE_ID);

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'GET' && url.pathname === '/health') return send(res, 200, { status: 'ok' });
    if (req.method === 'POST' && url.pathname === '/tickets') {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const body = JSON.parse(raw);
      const now = new Date();
      const { rows } = await pool.query(
        `INSERT INTO tickets (title, description, priority, queue_id, client_id, source, frt_deadline, ttr_deadline, created_at)
         VALUES ($1, $2, 'medium', $3, $4, 'web', $5, $6, $7) RETURNING *`,
        [body.title, body.description, queueId, clientId, new Date(now.getTime() + 4 * 3600e3), new Date(now.getTime() + 24 * 3600e3), now],
      );
      return send(res, 201, rows[0]);
    }
    if (req.method === 'GET' && url.pathname === '/tickets') {
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const { rows } = await pool.query(
        `SELECT * FROM tickets WHERE status = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
        [url.searchParams.get('status'), limit + 1],
      );
      return send(res, 200, { items: rows.slice(0, limit), next_cursor: rows.length > limit ? 'more' : null });
    }
    send(res, 404, { error: 'not_found' });
  } catch (error) {
    send(res, 500, { error: String(error) });
  }
});

server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
