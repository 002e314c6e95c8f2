import { DateTime } from 'luxon';
import { createTicket } from './factories/tickets.factory.js';
import { signedIn, type SignedInUser } from './factories/users.factory.js';
import { createTestApp, type TestApp } from './utils/create-test-app.js';
import { connect, next } from './utils/socket.js';
import { SlaMonitorService } from '#src/modules/sla/sla-monitor.service.js';
import { SlaService } from '#src/modules/sla/sla.service.js';

const berlin = (local: string) => DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: 'Europe/Berlin' }).toJSDate();
const MINUTE = 60_000;

describe('SLA engine', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let agent: SignedInUser;

  beforeEach(async () => {
    t = await createTestApp({ SLA_URGENT: '15m/2h', SLA_WARNING_MINUTES: '60' });
    admin = await signedIn(t, { role: 'admin' });
    agent = await signedIn(t, { role: 'agent' });
  });
  afterEach(() => t.close());

  const deadlinesOf = async (id: number) => {
    const [row] = await t.db.query('SELECT frt_deadline, ttr_deadline FROM tickets WHERE id = $1', [id]);
    return { frt: (row.frt_deadline as Date).toISOString(), ttr: (row.ttr_deadline as Date).toISOString() };
  };

  describe('policies', () => {
    it('are seeded per priority from the SLA_* settings and readable by agents only', async () => {
      const res = await t.http.get('/api/v1/sla/policies').set(agent.auth).expect(200);
      expect(res.body.next_cursor).toBeNull();
      expect(res.body.items.map((p: { priority: string; frt_minutes: number; ttr_minutes: number }) => [p.priority, p.frt_minutes, p.ttr_minutes])).toEqual([
        ['urgent', 15, 120],
        ['high', 60, 480],
        ['medium', 240, 1440],
        ['low', 480, 2880],
      ]);
      expect(res.body.items[0]).toMatchObject({ calendar_id: null, pause_while_waiting: false, escalation: { raise_priority: false, queue_id: null } });
      const client = await signedIn(t);
      await t.http.get('/api/v1/sla/policies').set(client.auth).expect(403);
    });

    it('are written by admins only, and open tickets follow a change while closed ones keep theirs', async () => {
      await t.http.put('/api/v1/sla/policies/high').set(agent.auth).send({ frt_minutes: 10, ttr_minutes: 20 }).expect(403);
      const createdAt = new Date('2026-11-30T10:00:00Z');
      const open = await createTicket(t.db, { priority: 'high', createdAt });
      const closed = await createTicket(t.db, { priority: 'high', createdAt, status: 'closed', resolvedAt: createdAt, closedAt: createdAt });
      const other = await createTicket(t.db, { priority: 'low', createdAt });
      const before = { closed: await deadlinesOf(closed.id), other: await deadlinesOf(other.id) };

      const res = await t.http.put('/api/v1/sla/policies/HIGH').set(admin.auth).send({ frt_minutes: 10, ttr_minutes: 20 }).expect(200);
      expect(res.body).toMatchObject({ priority: 'high', frt_minutes: 10, ttr_minutes: 20 });
      expect(await deadlinesOf(open.id)).toEqual({ frt: '2026-11-30T10:10:00.000Z', ttr: '2026-11-30T10:20:00.000Z' });
      expect(await deadlinesOf(closed.id)).toEqual(before.closed);
      expect(await deadlinesOf(other.id)).toEqual(before.other);
    });

    it('refuses bad policies with a 422 naming the field, changing nothing', async () => {
      const cases: Array<[object, string]> = [
        [{ frt_minutes: 0, ttr_minutes: 10 }, 'frt_minutes'],
        [{ frt_minutes: 10 }, 'ttr_minutes'],
        [{ frt_minutes: 10, ttr_minutes: 10, calendar_id: 999 }, 'calendar_id'],
        [{ frt_minutes: 10, ttr_minutes: 10, escalation: { queue_id: 999 } }, 'breach_queue_id'],
        [{ frt_minutes: 10, ttr_minutes: 10, escalation: { raise_priority: 'yes' } }, 'escalation'],
      ];
      for (const [body, field] of cases) {
        const res = await t.http.put('/api/v1/sla/policies/medium').set(admin.auth).send(body).expect(422);
        expect(JSON.stringify(res.body.details)).toContain(field);
      }
      const [medium] = await t.db.query(`SELECT frt_minutes, ttr_minutes FROM sla_policies WHERE priority = 'medium'`);
      expect(medium).toEqual({ frt_minutes: 240, ttr_minutes: 1440 });
    });

    it('are a list like every other: {items, next_cursor}, paged with ?limit= and ?cursor=', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { priority: string }[]; next_cursor: string | null } } = await t.http
          .get('/api/v1/sla/policies')
          .query({ limit: 3, ...(cursor ? { cursor } : {}) })
          .set(agent.auth)
          .expect(200);
        expect(page.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.body.items.map((p) => p.priority));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual(['urgent', 'high', 'medium', 'low']);
      await t.http.get('/api/v1/sla/policies?cursor=bogus').set(agent.auth).expect(422);
      await t.http.get('/api/v1/sla/policies?limit=0').set(agent.auth).expect(422);
    });

    it('answers 404 for a priority that does not exist', async () => {
      await t.http.put('/api/v1/sla/policies/whenever').set(admin.auth).send({ frt_minutes: 10, ttr_minutes: 10 }).expect(404);
    });
  });

  describe('business calendars', () => {
    const office = { name: 'Berlin office', time_zone: 'Europe/Berlin', working_hours: { mon: ['09:00-17:00'], tue: ['09:00-17:00'], wed: ['09:00-17:00'], thu: ['09:00-17:00'], fri: ['09:00-17:00'] } };

    it('move a Friday-evening ticket to Monday, and follow a calendar change', async () => {
      const calendar = await t.http.post('/api/v1/sla/calendars').set(admin.auth).send({ ...office, holidays: ['2026-12-25'] }).expect(201);
      expect(calendar.body).toMatchObject({ name: 'Berlin office', time_zone: 'Europe/Berlin', holidays: ['2026-12-25'] });
      expect(calendar.body.working_hours.fri).toEqual(['09:00-17:00']);
      const ticket = await createTicket(t.db, { priority: 'high', createdAt: berlin('2026-11-27 16:30') });
      await t.http.put('/api/v1/sla/policies/high').set(admin.auth).send({ frt_minutes: 60, ttr_minutes: 480, calendar_id: calendar.body.id }).expect(200);
      // FRT: 30 minutes on Friday, 30 on Monday; TTR: 30 on Friday, 7.5 h on Monday.
      expect(await deadlinesOf(ticket.id)).toEqual({ frt: '2026-11-30T08:30:00.000Z', ttr: '2026-11-30T15:30:00.000Z' });

      // Monday becomes a day off: the ticket's deadlines move to Tuesday.
      await t.http.put(`/api/v1/sla/calendars/${calendar.body.id}`).set(admin.auth).send({ ...office, holidays: ['2026-11-30'] }).expect(200);
      expect(await deadlinesOf(ticket.id)).toEqual({ frt: '2026-12-01T08:30:00.000Z', ttr: '2026-12-01T15:30:00.000Z' });

      await t.http.delete(`/api/v1/sla/calendars/${calendar.body.id}`).set(admin.auth).expect(409);
      await t.http.put('/api/v1/sla/policies/high').set(admin.auth).send({ frt_minutes: 60, ttr_minutes: 480, calendar_id: null }).expect(200);
      await t.http.delete(`/api/v1/sla/calendars/${calendar.body.id}`).set(admin.auth).expect(204);
    });

    it('are listed a page at a time in id order, none repeated or skipped when one is added while paging', async () => {
      const ids: number[] = [];
      for (const city of ['Berlin', 'Lisbon', 'Tokyo']) ids.push((await t.http.post('/api/v1/sla/calendars').set(admin.auth).send({ ...office, name: city }).expect(201)).body.id);
      const first = await t.http.get('/api/v1/sla/calendars?limit=2').set(agent.auth).expect(200);
      expect(first.body.items.map((c: { id: number }) => c.id)).toEqual(ids.slice(0, 2));
      expect(first.body.next_cursor).toEqual(expect.any(String));
      ids.push((await t.http.post('/api/v1/sla/calendars').set(admin.auth).send({ ...office, name: 'Nairobi' }).expect(201)).body.id);
      const rest = await t.http.get('/api/v1/sla/calendars').query({ limit: 2, cursor: first.body.next_cursor }).set(agent.auth).expect(200);
      expect(rest.body).toEqual({ items: [expect.objectContaining({ id: ids[2] }), expect.objectContaining({ id: ids[3] })], next_cursor: null });
      await t.http.get('/api/v1/sla/calendars?limit=101').set(agent.auth).expect(422);
    });

    it('refuses an unusable calendar with a 422 naming the field, storing nothing', async () => {
      const cases: Array<[object, string]> = [
        [{ ...office, time_zone: 'Mars/Olympus' }, 'time_zone'],
        [{ ...office, working_hours: { mon: ['17:00-09:00'] } }, 'working_hours.mon'],
        [{ ...office, working_hours: { funday: ['09:00-17:00'] } }, 'working_hours'],
        [{ ...office, working_hours: { mon: ['9-5'] } }, 'working_hours.mon'],
        [{ ...office, working_hours: {} }, 'working_hours'],
        [{ ...office, holidays: ['25.12.2026'] }, 'holidays'],
      ];
      for (const [body, field] of cases) {
        const res = await t.http.post('/api/v1/sla/calendars').set(admin.auth).send(body).expect(422);
        expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      }
      expect((await t.db.query('SELECT count(*)::int AS n FROM business_calendars'))[0].n).toBe(0);
    });

    it('are managed by admins and read by agents', async () => {
      await t.http.post('/api/v1/sla/calendars').set(agent.auth).send(office).expect(403);
      const created = await t.http.post('/api/v1/sla/calendars').set(admin.auth).send(office).expect(201);
      await t.http.post('/api/v1/sla/calendars').set(admin.auth).send(office).expect(409);
      const list = await t.http.get('/api/v1/sla/calendars').set(agent.auth).expect(200);
      expect(list.body).toEqual({ items: [expect.objectContaining({ id: created.body.id, name: 'Berlin office' })], next_cursor: null });
      await t.http.get(`/api/v1/sla/calendars/${created.body.id}`).set(agent.auth).expect(200);
      await t.http.get('/api/v1/sla/calendars/999').set(agent.auth).expect(404);
    });
  });

  describe('pauses', () => {
    const history = async (ticketId: number, rows: Array<[string, string, Date]>) => {
      for (const [from, to, at] of rows) {
        await t.db.query(`INSERT INTO ticket_events (ticket_id, type, from_value, to_value, created_at) VALUES ($1, 'status', $2, $3, $4)`, [ticketId, from, to, at]);
      }
    };
    const createdAt = new Date('2026-11-30T10:00:00Z');

    it('with pause_while_waiting, time waiting for the customer moves TTR out; without it TTR runs on', async () => {
      const ticket = await createTicket(t.db, { priority: 'high', createdAt, status: 'in_progress' });
      await history(ticket.id, [
        ['open', 'waiting_customer', new Date('2026-11-30T11:00:00Z')],
        ['waiting_customer', 'in_progress', new Date('2026-11-30T13:30:00Z')],
      ]);
      const sla = t.app.get(SlaService);
      await t.http.put('/api/v1/sla/policies/high').set(admin.auth).send({ frt_minutes: 60, ttr_minutes: 480 }).expect(200);
      expect((await deadlinesOf(ticket.id)).ttr).toBe('2026-11-30T18:00:00.000Z');
      await t.http.put('/api/v1/sla/policies/high').set(admin.auth).send({ frt_minutes: 60, ttr_minutes: 480, pause_while_waiting: true }).expect(200);
      expect((await deadlinesOf(ticket.id)).ttr).toBe('2026-11-30T20:30:00.000Z');
      // A reopen restarts the clock from the reopen.
      await history(ticket.id, [
        ['in_progress', 'resolved', new Date('2026-11-30T14:00:00Z')],
        ['resolved', 'open', new Date('2026-12-01T09:00:00Z')],
      ]);
      await sla.recompute({ ticketIds: [ticket.id] });
      expect((await deadlinesOf(ticket.id)).ttr).toBe('2026-12-01T17:00:00.000Z');
    });

    it('keeps a paused ticket out of the minute job', async () => {
      await t.http.put('/api/v1/sla/policies/high').set(admin.auth).send({ frt_minutes: 60, ttr_minutes: 60, pause_while_waiting: true }).expect(200);
      // Its stored TTR deadline has passed, but the clock stands still while the customer is awaited.
      const ticket = await createTicket(t.db, {
        priority: 'high', createdAt, status: 'waiting_customer', firstResponseAt: createdAt, ttrDeadline: new Date('2026-11-30T11:00:00Z'),
      });
      await history(ticket.id, [['open', 'waiting_customer', new Date('2026-11-30T10:30:00Z')]]);
      const result = await t.app.get(SlaMonitorService).run(new Date('2026-11-30T12:00:00Z'));
      expect(result).toEqual({ warnings: 0, breaches: 0, failed: 0, allMet: true });
    });
  });

  describe('tickets follow their clocks', () => {
    it('new tickets take the policy from the database, and a priority change, a pause and a reopen move the deadlines', async () => {
      await t.http.put('/api/v1/sla/policies/low').set(admin.auth).send({ frt_minutes: 7, ttr_minutes: 70 }).expect(200);
      const client = await signedIn(t);
      const created = await t.http.post('/api/v1/tickets').set(client.auth).send({ title: 'Printer', description: 'It prints nothing at all', priority: 'low' }).expect(201);
      const at = new Date(created.body.created_at).getTime();
      expect(new Date(created.body.frt_deadline).getTime() - at).toBe(7 * MINUTE);
      expect(new Date(created.body.ttr_deadline).getTime() - at).toBe(70 * MINUTE);

      // Each priority's targets, from the seeded policies (SLA_URGENT is 15m/2h in this app).
      for (const [priority, frt, ttr] of [['urgent', 15, 120], ['high', 60, 480], ['medium', 240, 1440]] as const) {
        const res = await t.http.post('/api/v1/tickets').set(client.auth).send({ title: 'Deadlines', description: 'One of each priority', priority }).expect(201);
        const opened = new Date(res.body.created_at).getTime();
        expect([new Date(res.body.frt_deadline).getTime() - opened, new Date(res.body.ttr_deadline).getTime() - opened]).toEqual([frt * MINUTE, ttr * MINUTE]);
      }

      // Opened two days ago at medium (FRT 4 h, TTR 24 h), now raised to high (1 h, 8 h): measured from creation.
      const createdAt = new Date(Date.now() - 2 * 24 * 60 * MINUTE);
      const ticket = await createTicket(t.db, { createdAt, status: 'in_progress' });
      const raised = await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ priority: 'high' }).expect(200);
      expect(raised.body.frt_deadline).toBe(new Date(createdAt.getTime() + 60 * MINUTE).toISOString());
      expect(raised.body.ttr_deadline).toBe(new Date(createdAt.getTime() + 480 * MINUTE).toISOString());

      // A bulk change moves every ticket's deadlines, in one recompute.
      const [one, two] = [await createTicket(t.db, { createdAt }), await createTicket(t.db, { createdAt, status: 'in_progress' })];
      const bulk = await t.http.post('/api/v1/tickets/bulk').set(agent.auth).send({ ticket_ids: [one.id, two.id], priority: 'urgent' }).expect(200);
      expect(bulk.body.items.map((i: { frt_deadline: string; ttr_deadline: string }) => [i.frt_deadline, i.ttr_deadline])).toEqual(
        [one, two].map(() => [new Date(createdAt.getTime() + 15 * MINUTE).toISOString(), new Date(createdAt.getTime() + 120 * MINUTE).toISOString()]),
      );
      expect(await deadlinesOf(two.id)).toEqual({ frt: new Date(createdAt.getTime() + 15 * MINUTE).toISOString(), ttr: new Date(createdAt.getTime() + 120 * MINUTE).toISOString() });

      // With the pause option, time waiting for the customer moves TTR out when the wait ends.
      await t.http.put('/api/v1/sla/policies/high').set(admin.auth).send({ frt_minutes: 60, ttr_minutes: 480, pause_while_waiting: true }).expect(200);
      await t.db.query(`INSERT INTO ticket_events (ticket_id, type, from_value, to_value, created_at) VALUES ($1, 'status', 'in_progress', 'waiting_customer', $2)`, [
        ticket.id,
        new Date(createdAt.getTime() + 60 * MINUTE),
      ]);
      await t.db.query(`UPDATE tickets SET status = 'waiting_customer' WHERE id = $1`, [ticket.id]);
      const resumed = await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ status: 'in_progress' }).expect(200);
      const pausedMs = Date.now() - (createdAt.getTime() + 60 * MINUTE);
      const moved = new Date(resumed.body.ttr_deadline).getTime() - (createdAt.getTime() + 480 * MINUTE);
      expect(Math.abs(moved - pausedMs)).toBeLessThan(60_000);

      // A customer's reply that reopens a resolved ticket restarts its resolution clock too.
      const replied = await createTicket(t.db, { priority: 'high', createdAt, clientId: client.user.id, status: 'resolved', resolvedAt: createdAt, firstResponseAt: createdAt });
      const beforeReply = Date.now();
      await t.http.post(`/api/v1/tickets/${replied.id}/messages`).set(client.auth).send({ content: 'It broke again' }).expect(201);
      const restarted = new Date((await deadlinesOf(replied.id)).ttr).getTime() - 480 * MINUTE;
      expect(restarted).toBeGreaterThanOrEqual(beforeReply - 1000);
      expect(restarted).toBeLessThanOrEqual(Date.now());

      // Resolved and reopened: the resolution clock restarts from the reopen.
      await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ status: 'resolved' }).expect(200);
      const before = Date.now();
      const reopened = await t.http.patch(`/api/v1/tickets/${ticket.id}`).set(agent.auth).send({ status: 'open' }).expect(200);
      const restart = new Date(reopened.body.ttr_deadline).getTime() - 480 * MINUTE;
      expect(restart).toBeGreaterThanOrEqual(before - 1000);
      expect(restart).toBeLessThanOrEqual(Date.now());
    });
  });

  describe('what tickets say about their SLA', () => {
    const minutesFromNow = (minutes: number) => new Date(Date.now() + minutes * MINUTE);

    it('every ticket answer carries its sla block, and the list filters by sla_state', async () => {
      const warned = await createTicket(t.db, { frtDeadline: minutesFromNow(30), ttrDeadline: minutesFromNow(600) });
      const breached = await createTicket(t.db, { frtDeadline: minutesFromNow(-30), ttrDeadline: minutesFromNow(600) });
      const answered = await createTicket(t.db, { status: 'in_progress', frtDeadline: minutesFromNow(-30), ttrDeadline: minutesFromNow(-5), firstResponseAt: minutesFromNow(-40) });
      const waiting = await createTicket(t.db, { priority: 'high', status: 'waiting_customer', frtDeadline: minutesFromNow(-30), ttrDeadline: minutesFromNow(-5), firstResponseAt: minutesFromNow(-40) });
      const done = await createTicket(t.db, { status: 'resolved', resolvedAt: minutesFromNow(-10), firstResponseAt: minutesFromNow(-40), frtDeadline: minutesFromNow(-30), ttrDeadline: minutesFromNow(-20) });
      await t.http.put('/api/v1/sla/policies/high').set(admin.auth).send({ frt_minutes: 60, ttr_minutes: 480, pause_while_waiting: true }).expect(200);

      const sla = async (id: number) => (await t.http.get(`/api/v1/tickets/${id}`).set(agent.auth).expect(200)).body.sla;
      expect(await sla(warned.id)).toEqual({
        frt: { deadline: warned.frtDeadline.toISOString(), state: 'warning', met_at: null },
        ttr: { deadline: warned.ttrDeadline.toISOString(), state: 'pending', met_at: null },
      });
      expect((await sla(breached.id)).frt.state).toBe('breached');
      expect(await sla(answered.id)).toMatchObject({ frt: { state: 'met', met_at: answered.firstResponseAt!.toISOString() }, ttr: { state: 'breached' } });
      expect((await sla(waiting.id)).ttr.state).toBe('paused');
      expect((await sla(done.id)).ttr).toEqual({ deadline: done.ttrDeadline.toISOString(), state: 'breached', met_at: done.resolvedAt!.toISOString() });

      const ids = async (state: string) =>
        (await t.http.get(`/api/v1/tickets?sla_state=${state}`).set(agent.auth).expect(200)).body.items.map((i: { id: number }) => i.id).sort();
      expect(await ids('breached')).toEqual([breached.id, answered.id].sort());
      expect(await ids('WARNING')).toEqual([warned.id]);
      await t.http.get('/api/v1/tickets?sla_state=late').set(agent.auth).expect(422);
      const list = await t.http.get('/api/v1/tickets').set(agent.auth).expect(200);
      expect(list.body.items.every((i: { sla?: { frt: unknown; ttr: unknown } }) => i.sla?.frt && i.sla.ttr)).toBe(true);
    });

    it('FRT is met by the first public agent reply, not by taking the ticket in progress, assigning it or a bulk change; view and stats agree', async () => {
      const client = await signedIn(t);
      const open = async (): Promise<{ id: number }> =>
        (await t.http.post('/api/v1/tickets').set(client.auth).send({ title: 'Cannot log in', description: 'The login page keeps spinning' }).expect(201)).body;
      const [patched, assigned, bulked, resolved] = [await open(), await open(), await open(), await open()];
      const running = { state: 'pending', met_at: null };

      const taken = await t.http.patch(`/api/v1/tickets/${patched.id}`).set(agent.auth).send({ status: 'in_progress' }).expect(200);
      expect(taken.body).toMatchObject({ status: 'in_progress', first_response_at: null, sla: { frt: running } });
      // Unassigned first: automatic assignment may already have given it to this agent as it opened.
      await t.http.post(`/api/v1/tickets/${assigned.id}/assign`).set(agent.auth).send({ agent_id: null }).expect(200);
      const given = await t.http.post(`/api/v1/tickets/${assigned.id}/assign`).set(agent.auth).send({ agent_id: agent.user.id }).expect(200);
      expect(given.body).toMatchObject({ status: 'in_progress', sla: { frt: running } });
      const bulk = await t.http.post('/api/v1/tickets/bulk').set(agent.auth).send({ ticket_ids: [bulked.id], status: 'waiting_customer' }).expect(200);
      expect(bulk.body.items[0]).toMatchObject({ status: 'waiting_customer', sla: { frt: running } });
      expect((await t.http.patch(`/api/v1/tickets/${patched.id}`).set(agent.auth).send({ status: 'open' }).expect(200)).body.sla.frt).toMatchObject(running);

      const statsNow = async () => (await t.http.get('/api/v1/tickets/stats').set(agent.auth).expect(200)).body;
      let stats = await statsNow();
      expect(stats.sla.overall).toMatchObject({ frt_met: 0, frt_breached: 0 });
      expect(stats.median_first_response_seconds).toBeNull();

      // The first public reply meets it, and met_at is the first_response_at the ticket records.
      await t.http.post(`/api/v1/tickets/${patched.id}/messages`).set(agent.auth).send({ content: 'Looking into it now.' }).expect(201);
      const replied = (await t.http.get(`/api/v1/tickets/${patched.id}`).set(agent.auth).expect(200)).body;
      expect(replied.first_response_at).toEqual(expect.any(String));
      expect(replied.sla.frt).toEqual({ deadline: replied.frt_deadline, state: 'met', met_at: replied.first_response_at });

      // Resolved before any reply: the customer's wait is over, and met_at says when.
      const done = (await t.http.patch(`/api/v1/tickets/${resolved.id}`).set(agent.auth).send({ status: 'resolved' }).expect(200)).body;
      expect(done).toMatchObject({ first_response_at: null, sla: { frt: { state: 'met', met_at: done.resolved_at } } });

      stats = await statsNow();
      expect(stats.sla.overall).toMatchObject({ frt_met: 2, frt_breached: 0 });
      expect(stats.median_first_response_seconds).toEqual(expect.any(Number));
    });

    it('an unanswered ticket in progress or waiting keeps its FRT clock: the job warns and breaches it, over Socket.IO, and the list and stats see it', async () => {
      const warned = await createTicket(t.db, { status: 'waiting_customer', agentId: agent.user.id, frtDeadline: minutesFromNow(30), ttrDeadline: minutesFromNow(600) });
      const breached = await createTicket(t.db, { status: 'in_progress', agentId: agent.user.id, frtDeadline: minutesFromNow(-5), ttrDeadline: minutesFromNow(600) });
      const socket = await connect(t.baseUrl, agent.token);
      try {
        const warning = next<Record<string, unknown>>(socket, 'sla:warning', (e) => e.ticket_id === warned.id);
        const breach = next<Record<string, unknown>>(socket, 'sla:breached', (e) => e.ticket_id === breached.id);
        expect(await t.app.get(SlaMonitorService).run(new Date())).toMatchObject({ warnings: 1, breaches: 1, failed: 0 });
        expect(await warning).toMatchObject({ kind: 'frt', deadline: warned.frtDeadline.toISOString() });
        expect(await breach).toMatchObject({ kind: 'frt', deadline: breached.frtDeadline.toISOString() });
      } finally {
        socket.disconnect();
      }
      const sla = async (id: number) => (await t.http.get(`/api/v1/tickets/${id}`).set(agent.auth).expect(200)).body.sla.frt;
      expect(await sla(warned.id)).toEqual({ deadline: warned.frtDeadline.toISOString(), state: 'warning', met_at: null });
      expect(await sla(breached.id)).toEqual({ deadline: breached.frtDeadline.toISOString(), state: 'breached', met_at: null });
      const listed = (await t.http.get('/api/v1/tickets?sla_state=breached').set(agent.auth).expect(200)).body.items.map((i: { id: number }) => i.id);
      expect(listed).toEqual([breached.id]);
      const stats = (await t.http.get('/api/v1/tickets/stats').set(agent.auth).expect(200)).body;
      expect(stats.frt_breached).toBe(1);
      expect(stats.sla.overall).toMatchObject({ frt_met: 0, frt_breached: 1 });
    });

    it('stats count FRT and TTR met and breached, with rates, overall, per queue and per agent', async () => {
      const [{ id: billing }] = await t.db.query(`SELECT id FROM queues WHERE system_key = 'billing'`);
      const base = { queueId: billing, agentId: agent.user.id, createdAt: minutesFromNow(-120) };
      await createTicket(t.db, { ...base, status: 'resolved', firstResponseAt: minutesFromNow(-110), resolvedAt: minutesFromNow(-100), frtDeadline: minutesFromNow(-60), ttrDeadline: minutesFromNow(60) });
      await createTicket(t.db, { ...base, status: 'resolved', firstResponseAt: minutesFromNow(-50), resolvedAt: minutesFromNow(-10), frtDeadline: minutesFromNow(-60), ttrDeadline: minutesFromNow(-30) });
      await createTicket(t.db, { ...base, agentId: null, frtDeadline: minutesFromNow(-60), ttrDeadline: minutesFromNow(60) });
      const stats = await t.http.get('/api/v1/tickets/stats').set(agent.auth).expect(200);
      expect(stats.body.sla.overall).toEqual({ frt_met: 1, frt_breached: 2, frt_met_rate: 0.333, ttr_met: 1, ttr_breached: 1, ttr_met_rate: 0.5 });
      expect(stats.body.sla.by_queue).toEqual([expect.objectContaining({ queue_id: billing, frt_met: 1, frt_breached: 2 })]);
      expect(stats.body.sla.by_agent).toEqual([
        expect.objectContaining({ agent_id: agent.user.id, name: agent.user.name, frt_met: 1, frt_breached: 1, ttr_met: 1, ttr_breached: 1, ttr_met_rate: 0.5 }),
        expect.objectContaining({ agent_id: null, frt_met: 0, frt_breached: 1, frt_met_rate: 0, ttr_met_rate: null }),
      ]);
    });
  });

  describe('the minute job', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    const minutesFromNow = (minutes: number) => new Date(now.getTime() + minutes * MINUTE);

    it('says all deadlines are met only when no running clock is at risk', async () => {
      const monitor = t.app.get(SlaMonitorService);
      await createTicket(t.db, { frtDeadline: minutesFromNow(90), ttrDeadline: minutesFromNow(600) });
      expect(await monitor.run(now)).toEqual({ warnings: 0, breaches: 0, failed: 0, allMet: true });
      // Once warned, the ticket is at risk: no new event, and not all met either.
      expect(await monitor.run(minutesFromNow(40))).toEqual({ warnings: 1, breaches: 0, failed: 0, allMet: false });
      expect(await monitor.run(minutesFromNow(41))).toEqual({ warnings: 0, breaches: 0, failed: 0, allMet: false });
    });

    it('warns and flags a breach once each, however often and on however many instances it runs', async () => {
      const warned = await createTicket(t.db, { title: 'Site outage', frtDeadline: minutesFromNow(32), ttrDeadline: minutesFromNow(600), agentId: agent.user.id });
      // Assigned, so that an agent's connection hands none of them out (which would change no clock, only the rooms told).
      const breached = await createTicket(t.db, { frtDeadline: minutesFromNow(-5), ttrDeadline: minutesFromNow(600), agentId: agent.user.id });
      await createTicket(t.db, { frtDeadline: minutesFromNow(90), ttrDeadline: minutesFromNow(600), agentId: agent.user.id });
      await createTicket(t.db, { frtDeadline: minutesFromNow(-5), ttrDeadline: minutesFromNow(600), firstResponseAt: minutesFromNow(-30) });
      await createTicket(t.db, { frtDeadline: minutesFromNow(-5), ttrDeadline: minutesFromNow(-5), status: 'closed', resolvedAt: now, closedAt: now });

      const socket = await connect(t.baseUrl, agent.token);
      const second = await createTestApp({ SLA_URGENT: '15m/2h' }, t.database);
      // Listening from here: the wait must not include the second instance's start on a busy machine.
      const warning = next<Record<string, unknown>>(socket, 'sla:warning');
      let breachesHere: number;
      try {
        const results = await Promise.all([t.app.get(SlaMonitorService).run(now), second.app.get(SlaMonitorService).run(now)]);
        expect(results.reduce((sum, r) => sum + r.warnings, 0)).toBe(1);
        expect(results.reduce((sum, r) => sum + r.breaches, 0)).toBe(1);
        breachesHere = results[0].breaches;
      } finally {
        await second.close();
      }
      expect(await warning).toEqual({ ticket_id: warned.id, kind: 'frt', deadline: minutesFromNow(32).toISOString(), minutes_left: 32 });
      socket.disconnect();

      expect(await t.app.get(SlaMonitorService).run(now)).toEqual({ warnings: 0, breaches: 0, failed: 0, allMet: false });
      const events = await t.db.query('SELECT ticket_id, kind, type FROM sla_events ORDER BY ticket_id');
      expect(events).toEqual([
        { ticket_id: warned.id, kind: 'frt', type: 'warning' },
        { ticket_id: breached.id, kind: 'frt', type: 'breached' },
      ]);
      // An hour later the warned ticket is breached and the 90-minute one enters its window: once each.
      expect(await t.app.get(SlaMonitorService).run(minutesFromNow(60))).toMatchObject({ warnings: 1, breaches: 1 });
      expect(await t.app.get(SlaMonitorService).run(minutesFromNow(61))).toMatchObject({ warnings: 0, breaches: 0 });
      const metrics = await t.http.get('/metrics').expect(200);
      // Each instance counts what it recorded itself.
      expect(metrics.text).toContain(`sla_events_total{kind="frt",type="breached"} ${breachesHere + 1}`);
    });

    it('escalates a breach as its policy says, once, and tells the admins', async () => {
      const [{ id: billing }] = await t.db.query(`SELECT id FROM queues WHERE name = 'Billing'`);
      await t.http
        .put('/api/v1/sla/policies/medium')
        .set(admin.auth)
        .send({ frt_minutes: 240, ttr_minutes: 1440, escalation: { notify_admins: true, raise_priority: true, unassign: true, queue_id: billing } })
        .expect(200);
      const ticket = await createTicket(t.db, { frtDeadline: minutesFromNow(-1), ttrDeadline: minutesFromNow(600), agentId: agent.user.id });
      const socket = await connect(t.baseUrl, admin.token);
      const escalated = next<Record<string, unknown>>(socket, 'sla:escalated');
      expect(await t.app.get(SlaMonitorService).run(now)).toMatchObject({ breaches: 1 });
      expect(await escalated).toMatchObject({ ticket_id: ticket.id, kind: 'frt', actions: ['raise_priority', 'move_queue', 'unassign'] });
      socket.disconnect();

      const [row] = await t.db.query('SELECT priority, queue_id, agent_id FROM tickets WHERE id = $1', [ticket.id]);
      expect(row).toEqual({ priority: 'high', queue_id: billing, agent_id: null });
      const history = await t.db.query(`SELECT type, from_value, to_value FROM ticket_events WHERE ticket_id = $1 ORDER BY id`, [ticket.id]);
      expect(history).toEqual([
        { type: 'sla_breached', from_value: null, to_value: 'frt' },
        { type: 'priority', from_value: 'medium', to_value: 'high' },
        { type: 'queue', from_value: null, to_value: String(billing) },
        { type: 'assignment', from_value: String(agent.user.id), to_value: null },
        { type: 'sla_escalation', from_value: 'frt', to_value: 'raise_priority' },
        { type: 'sla_escalation', from_value: 'frt', to_value: 'move_queue' },
        { type: 'sla_escalation', from_value: 'frt', to_value: 'unassign' },
      ]);
      expect(await t.app.get(SlaMonitorService).run(minutesFromNow(5))).toMatchObject({ breaches: 0 });
      expect((await t.db.query(`SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1`, [ticket.id]))[0].n).toBe(7);
    });
  });
});
