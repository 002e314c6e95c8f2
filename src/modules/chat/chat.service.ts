import { Injectable } from '@nestjs/common';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { validatePayload } from '#src/common/validation/validate-payload.js';
import { JoinTicketPayload, SendMessagePayload, TypingPayload } from '#src/modules/chat/dto/chat.dto.js';
import type { MessageResponseDto } from '#src/modules/messages/dto/message.dto.js';
import { MessagesService } from '#src/modules/messages/messages.service.js';
import { RateTicketPayload, type RatingResponseDto } from '#src/modules/ratings/dto/rating.dto.js';
import { RatingsService } from '#src/modules/ratings/ratings.service.js';
import { CreateTicketDto, type TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';

/** How many missed messages a join replays at most; `has_more` says when there were more. */
export const REPLAY_LIMIT = 500;

/** The live-chat use cases: each validates its payload and calls the same services as REST. */
@Injectable()
export class ChatService {
  constructor(
    private readonly tickets: TicketsService,
    private readonly messages: MessagesService,
    private readonly ratings: RatingsService,
  ) {}

  async createTicket(user: AuthUser, payload: unknown): Promise<TicketResponseDto> {
    return this.tickets.create(user, await validatePayload(CreateTicketDto, payload), 'chat');
  }

  async join(user: AuthUser, payload: unknown): Promise<{ ticket: TicketResponseDto; messages: MessageResponseDto[]; has_more: boolean }> {
    const { ticket_id, since_message_id } = await validatePayload(JoinTicketPayload, payload);
    const ticket = await this.tickets.get(user, ticket_id);
    const { messages, hasMore } = await this.messages.history(user, ticket_id, since_message_id, REPLAY_LIMIT);
    return { ticket, messages, has_more: hasMore };
  }

  /** `created` is false when the `client_msg_id` was seen before: the stored message, nothing new broadcast. */
  async send(user: AuthUser, payload: unknown): Promise<{ message: MessageResponseDto; created: boolean }> {
    const dto = await validatePayload(SendMessagePayload, payload);
    return this.messages.create(user, dto.ticket_id, dto);
  }

  /** `ticket:rate`: the REST rating, with its ticket in the payload. */
  async rate(user: AuthUser, payload: unknown): Promise<RatingResponseDto> {
    const { ticket_id, ...rating } = await validatePayload(RateTicketPayload, payload);
    return this.ratings.rate(user, ticket_id, rating);
  }

  async typingTicket(payload: unknown): Promise<number> {
    return (await validatePayload(TypingPayload, payload)).ticket_id;
  }
}
