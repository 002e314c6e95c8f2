import { DataSource, type DataSourceOptions } from 'typeorm';
import { Foundation1763776000000 } from '#migrations/1763776000000-Foundation.js';
import { Tickets1763780000000 } from '#migrations/1763780000000-Tickets.js';
import { SessionNotifications1763784000000 } from '#migrations/1763784000000-SessionNotifications.js';
import { Realtime1763788000000 } from '#migrations/1763788000000-Realtime.js';
import { Attachments1763792000000 } from '#migrations/1763792000000-Attachments.js';
import { LoginThrottleExpiry1763796500000 } from '#migrations/1763796500000-LoginThrottleExpiry.js';
import { TicketsQueueNoAction1763796600000 } from '#migrations/1763796600000-TicketsQueueNoAction.js';
import { RateLimitCounters1763796700000 } from '#migrations/1763796700000-RateLimitCounters.js';
import { NoteAuthorsAndEdits1764100000000 } from '#migrations/1764100000000-NoteAuthorsAndEdits.js';
import { TicketAttachments1764200000000 } from '#migrations/1764200000000-TicketAttachments.js';
import { UserSelfService1764200100000 } from '#migrations/1764200100000-UserSelfService.js';
import { QueueSystemKeys1764400000000 } from '#migrations/1764400000000-QueueSystemKeys.js';
import { SlaEngine1764600000000 } from '#migrations/1764600000000-SlaEngine.js';
import { EmailChannel1764700000000 } from '#migrations/1764700000000-EmailChannel.js';
import { OutboxAndMail1764700100000 } from '#migrations/1764700100000-OutboxAndMail.js';
import { KnowledgeBase1764700300000 } from '#migrations/1764700300000-KnowledgeBase.js';
import { TicketSuggestions1764800000000 } from '#migrations/1764800000000-TicketSuggestions.js';
import { KnowledgeSearchByLocale1764800010000 } from '#migrations/1764800010000-KnowledgeSearchByLocale.js';
import { Bot1764800100000 } from '#migrations/1764800100000-Bot.js';
import { Webhooks1764800200000 } from '#migrations/1764800200000-Webhooks.js';
import { CannedResponses1764800300000 } from '#migrations/1764800300000-CannedResponses.js';
import { TicketRatings1764800310000 } from '#migrations/1764800310000-TicketRatings.js';
import { CustomFields1764800400000 } from '#migrations/1764800400000-CustomFields.js';
import { WebhookEndpointsNotify1764800600000 } from '#migrations/1764800600000-WebhookEndpointsNotify.js';
import { VisitorSessions1764800700000 } from '#migrations/1764800700000-VisitorSessions.js';
import { CustomFieldsAgentOnly1764800800000 } from '#migrations/1764800800000-CustomFieldsAgentOnly.js';
import { VisitorMessageNames1764800900000 } from '#migrations/1764800900000-VisitorMessageNames.js';
import { VisitorPresence1764801000000 } from '#migrations/1764801000000-VisitorPresence.js';
import { VisitorKeys1764801100000 } from '#migrations/1764801100000-VisitorKeys.js';
import { PendingUploads1764801300000 } from '#migrations/1764801300000-PendingUploads.js';
import { VisitKeyReuse1764801400000 } from '#migrations/1764801400000-VisitKeyReuse.js';
import { FrtRunsUntilReply1764801500000 } from '#migrations/1764801500000-FrtRunsUntilReply.js';
import { InboundFetchAttempts1764801800000 } from '#migrations/1764801800000-InboundFetchAttempts.js';
import { AdvisoryLock } from '#src/common/database/advisory-locks.js';
import { SnakeNamingStrategy } from '#src/database/snake-naming.strategy.js';
import { ArticleEntity } from '#src/modules/knowledge/article.entity.js';
import { AttachmentEntity } from '#src/modules/attachments/attachment.entity.js';
import { RevokedTokenEntity } from '#src/modules/auth/revoked-token.entity.js';
import { MessageEntity } from '#src/modules/messages/message.entity.js';
import { NoteEntity } from '#src/modules/notes/note.entity.js';
import { QueueEntity } from '#src/modules/queues/queue.entity.js';
import { TicketEventEntity } from '#src/modules/tickets/ticket-event.entity.js';
import { TicketEntity } from '#src/modules/tickets/ticket.entity.js';
import { UserEntity } from '#src/modules/users/user.entity.js';

/** Entities and migrations are listed as classes: globs do not work with ESM + Jest. */
export const ENTITIES = [UserEntity, RevokedTokenEntity, QueueEntity, TicketEntity, TicketEventEntity, MessageEntity, NoteEntity, AttachmentEntity, ArticleEntity];
export const MIGRATIONS = [
  Foundation1763776000000,
  Tickets1763780000000,
  SessionNotifications1763784000000,
  Realtime1763788000000,
  Attachments1763792000000,
  LoginThrottleExpiry1763796500000,
  TicketsQueueNoAction1763796600000,
  RateLimitCounters1763796700000,
  NoteAuthorsAndEdits1764100000000,
  TicketAttachments1764200000000,
  UserSelfService1764200100000,
  QueueSystemKeys1764400000000,
  SlaEngine1764600000000,
  EmailChannel1764700000000,
  OutboxAndMail1764700100000,
  KnowledgeBase1764700300000,
  TicketSuggestions1764800000000,
  KnowledgeSearchByLocale1764800010000,
  Bot1764800100000,
  Webhooks1764800200000,
  CannedResponses1764800300000,
  TicketRatings1764800310000,
  CustomFields1764800400000,
  WebhookEndpointsNotify1764800600000,
  VisitorSessions1764800700000,
  CustomFieldsAgentOnly1764800800000,
  VisitorMessageNames1764800900000,
  VisitorPresence1764801000000,
  VisitorKeys1764801100000,
  PendingUploads1764801300000,
  VisitKeyReuse1764801400000,
  FrtRunsUntilReply1764801500000,
  InboundFetchAttempts1764801800000,
];

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    // Sessions in UTC: timestamps come back as "…+00" (see common/database/timestamps.ts), whatever the server's default.
    extra: { max: 20, connectionTimeoutMillis: 5000, options: '-c TimeZone=UTC' },
  };
}

/**
 * Runs pending migrations under a session advisory lock, so several instances starting at once
 * migrate one after another instead of racing.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(url));
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [AdvisoryLock.MIGRATIONS]);
    try {
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      return ran.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [AdvisoryLock.MIGRATIONS]);
    }
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}
