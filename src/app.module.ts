import { type DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { CommonModule } from '#src/common/common.module.js';
import { loggerOptions } from '#src/common/logging/logger.options.js';
import { ThrottlingModule } from '#src/common/throttling/throttling.module.js';
import type { AppConfig } from '#src/config/app-config.js';
import { AppConfigModule } from '#src/config/app-config.module.js';
import { dataSourceOptions } from '#src/database/data-source.js';
import { AssistModule } from '#src/modules/assist/assist.module.js';
import { AttachmentsModule } from '#src/modules/attachments/attachments.module.js';
import { AuthModule } from '#src/modules/auth/auth.module.js';
import { CannedResponsesModule } from '#src/modules/canned-responses/canned-responses.module.js';
import { BotModule } from '#src/modules/bot/bot.module.js';
import { ChatModule } from '#src/modules/chat/chat.module.js';
import { KnowledgeModule } from '#src/modules/knowledge/knowledge.module.js';
import { HealthModule } from '#src/modules/health/health.module.js';
import { MetricsModule } from '#src/modules/metrics/metrics.module.js';
import { MessagesModule } from '#src/modules/messages/messages.module.js';
import { NotesModule } from '#src/modules/notes/notes.module.js';
import { NotificationsModule } from '#src/modules/notifications/notifications.module.js';
import { QueuesModule } from '#src/modules/queues/queues.module.js';
import { RatingsModule } from '#src/modules/ratings/ratings.module.js';
import { SlaModule } from '#src/modules/sla/sla.module.js';
import { EmailIngestModule } from '#src/modules/email-ingest/email-ingest.module.js';
import { TicketsModule } from '#src/modules/tickets/tickets.module.js';
import { UsersModule } from '#src/modules/users/users.module.js';
import { WebhooksModule } from '#src/modules/webhooks/webhooks.module.js';
import { CustomFieldsModule } from '#src/modules/custom-fields/custom-fields.module.js';
import { ExportModule } from '#src/modules/export/export.module.js';

@Module({})
export class AppModule {
  /** The whole service for one validated config whose databaseUrl is set (see main.ts). */
  static forRoot(config: AppConfig & { databaseUrl: string }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        // No per-request middleware (pino-http + AsyncLocalStorage; loggerOptions sets forRoutes: []):
        // requestLog writes the request lines from requestContext (see common/logging/request-log.ts).
        LoggerModule.forRoot(loggerOptions(config)),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config.databaseUrl), migrationsRun: false }),
        EventEmitterModule.forRoot(),
        // Periodic jobs run only where CRON_ENABLED (each takes a Postgres advisory lock as well).
        ...(config.cronEnabled ? [ScheduleModule.forRoot()] : []),
        CommonModule,
        HealthModule,
        MetricsModule,
        AuthModule,
        UsersModule,
        QueuesModule,
        TicketsModule,
        MessagesModule,
        NotesModule,
        AttachmentsModule,
        ChatModule,
        SlaModule,
        EmailIngestModule,
        NotificationsModule,
        KnowledgeModule,
        AssistModule,
        CannedResponsesModule,
        RatingsModule,
        WebhooksModule,
        CustomFieldsModule,
        ExportModule,
        BotModule,
        // Last: its global guard must run after AuthModule's JWT guard (limits per signed-in user).
        ThrottlingModule,
      ],
    };
  }
}
