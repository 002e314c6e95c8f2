// The framework floor for bench/tickets.js: the baseline's INSERT and SELECT (tickets-server.js),
// served through the stack the service is built on, with nothing of the service's own. It shows
// how much of the distance between the service and the bare baseline the framework alone takes.
// FLOOR picks the stack:
//   express  Express 5 (the platform under @nestjs/platform-express): express.json() and res.json();
//   nest     a NestJS app on @nestjs/platform-express: one controller, no guard, no pipe;
//   checked  the same with what every NestJS API has: a global guard (here it only requires a bearer
//            header; the service verifies a JWT) and the global ValidationPipe with class-validator
//            DTOs for the body and the query.
// The handlers are plain functions (no decorators in plain JavaScript): Nest's decorators are
// applied by hand, as TypeScript would.
import 'reflect-metadata';
import { Body, Controller, Get, Module, Post, Query, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import express from 'express';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const clientId = Number(process.env.BASELINE_CLIENT_ID);
const queueId = Number(process.env.BASELINE_QUEUE_ID);
const floor = process.env.FLOOR;
const port = Number(process.env.PORT);

async function create(body) {
  const now = new Date();
  const { rows } = await pool.query(
    `INSERT INTO tickets (title, description, priority, queue_id, client_id, source, frt_deadline, ttr_deadline, created_at)
     VALUES ($1, $2, 'medium', $3, $4, 'web', $5, $6, $7) RETURNING *`,
    [body.title, body.description, queueId, clientId, new Date(now.getTime() + 4 * 3600e3), new Date(now.getTime() + 24 * 3600e3), now],
  );
  return rows[0];
}

async function list(status, limit) {
  const { rows } = await pool.query(`SELECT * FROM tickets WHERE status = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [status, limit + 1]);
  return { items: rows.slice(0, limit), next_cursor: rows.length > limit ? 'more' : null };
}

/** Applies TypeScript-style decorators: to a class, or to a property or method of its prototype. */
function decorate(decorators, target, key) {
  if (key === undefined) return Reflect.decorate(decorators, target);
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  const result = Reflect.decorate(decorators, target, key, descriptor);
  if (descriptor) Object.defineProperty(target, key, result ?? descriptor);
  return target;
}

class CreateTicketDto {}
decorate([IsString(), MaxLength(200)], CreateTicketDto.prototype, 'title');
decorate([IsString(), MaxLength(10000)], CreateTicketDto.prototype, 'description');
decorate([IsOptional(), IsIn(['low', 'medium', 'high', 'urgent'])], CreateTicketDto.prototype, 'priority');

class ListTicketsQuery {}
decorate([IsOptional(), IsIn(['open', 'in_progress', 'waiting_customer', 'resolved', 'closed'])], ListTicketsQuery.prototype, 'status');
decorate([IsOptional(), Type(() => Number), IsInt(), Min(1), Max(100)], ListTicketsQuery.prototype, 'limit');

/** Rejects a request without a bearer header (what the service's guard checks first). */
class BearerGuard {
  canActivate(context) {
    const request = context.switchToHttp().getRequest();
    return request.url === '/health' || request.headers.authorization?.startsWith('Bearer ') === true;
  }
}

class TicketsController {
  create(body) {
    return create(body);
  }
  list(query) {
    return list(query.status, Number(query.limit ?? 20));
  }
  health() {
    return { status: 'ok' };
  }
}
const checked = floor === 'checked';
Query()(TicketsController.prototype, 'list', 0);
Body()(TicketsController.prototype, 'create', 0);
Reflect.defineMetadata('design:paramtypes', [checked ? CreateTicketDto : Object], TicketsController.prototype, 'create');
Reflect.defineMetadata('design:paramtypes', [checked ? ListTicketsQuery : Object], TicketsController.prototype, 'list');
decorate([Post('tickets')], TicketsController.prototype, 'create');
decorate([Get('tickets')], TicketsController.prototype, 'list');
decorate([Get('health')], TicketsController.prototype, 'health');
decorate([Controller()], TicketsController);
class FloorModule {}
decorate([Module({ controllers: [TicketsController] })], FloorModule);

let server;
if (floor === 'express') {
  const app = express();
  app.set('etag', false);
  app.use(express.json());
  app.get('/health', (req, res) => res.json({ status: 'ok' }));
  app.post('/tickets', async (req, res) => res.status(201).json(await create(req.body)));
  app.get('/tickets', async (req, res) => res.json(await list(req.query.status, Number(req.query.limit ?? 20))));
  server = app.listen(port, '127.0.0.1');
} else if (floor === 'nest' || checked) {
  const app = await NestFactory.create(FloorModule, { logger: false });
  app.set('etag', false);
  if (checked) {
    app.useGlobalGuards(new BearerGuard());
    app.useGlobalPipes(new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }));
  }
  await app.listen(port, '127.0.0.1');
  server = app.getHttpServer();
} else {
  throw new Error(`FLOOR must be express, nest or checked, not ${floor}`);
}
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
