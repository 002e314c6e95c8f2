import type { DataSource } from 'typeorm';
import { loadConfig } from '#src/config/app-config.js';
import { addWorkingMinutes } from '#src/modules/sla/domain/business-hours.js';
import { TicketEntity } from '#src/modules/tickets/ticket.entity.js';
import { createUser } from './users.factory.js';

let sequence = 0;

/** Inserts a ticket straight into the database; defaults to an open, unassigned, medium ticket. */
export async function createTicket(db: DataSource, overrides: Partial<TicketEntity> = {}): Promise<TicketEntity> {
  sequence += 1;
  const createdAt = overrides.createdAt ?? new Date();
  const priority = overrides.priority ?? 'medium';
  const targets = loadConfig({}).slaDefaults[priority];
  const deadlines = { frtDeadline: addWorkingMinutes(createdAt, targets.frtMinutes, null), ttrDeadline: addWorkingMinutes(createdAt, targets.ttrMinutes, null) };
  const clientId = overrides.clientId ?? (await createUser(db)).id;
  const repo = db.getRepository(TicketEntity);
  return repo.save(
    repo.create({
      title: `Ticket ${sequence}`,
      description: `Description of ticket ${sequence}`,
      status: 'open',
      priority,
      category: null,
      queueId: null,
      agentId: null,
      source: 'web',
      firstResponseAt: null,
      resolvedAt: null,
      closedAt: null,
      ...deadlines,
      ...overrides,
      clientId,
      createdAt,
    }),
  );
}
