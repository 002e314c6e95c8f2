import { Module } from '@nestjs/common';
import { RateLimitStorageModule } from '#src/common/throttling/rate-limit-storage.module.js';
import { AuthModule } from '#src/modules/auth/auth.module.js';
import { BotModule } from '#src/modules/bot/bot.module.js';
import { ChatConnections } from '#src/modules/chat/chat-connections.js';
import { ChatGateway } from '#src/modules/chat/chat.gateway.js';
import { ChatService } from '#src/modules/chat/chat.service.js';
import { PlainWebSocketGateway } from '#src/modules/chat/plain-websocket.gateway.js';
import { PresenceController } from '#src/modules/chat/presence.controller.js';
import { PresenceRepository } from '#src/modules/chat/presence.repository.js';
import { PresenceService } from '#src/modules/chat/presence.service.js';
import { RealtimeAdapterFactory } from '#src/modules/chat/realtime-adapter.js';
import { RealtimeListener } from '#src/modules/chat/realtime.listener.js';
import { RealtimePublisher } from '#src/modules/chat/realtime.publisher.js';
import { MessagesModule } from '#src/modules/messages/messages.module.js';
import { RatingsModule } from '#src/modules/ratings/ratings.module.js';
import { TicketsModule } from '#src/modules/tickets/tickets.module.js';

@Module({
  imports: [AuthModule, TicketsModule, MessagesModule, RatingsModule, RateLimitStorageModule, BotModule],
  controllers: [PresenceController],
  providers: [
    ChatGateway,
    PlainWebSocketGateway,
    ChatService,
    ChatConnections, PresenceService, PresenceRepository, RealtimePublisher, RealtimeListener, RealtimeAdapterFactory],
  exports: [RealtimePublisher, PresenceService],
})
export class ChatModule {}
