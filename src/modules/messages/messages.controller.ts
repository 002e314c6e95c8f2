import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '#src/common/auth/auth.decorators.js';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { PaginationQueryDto } from '#src/common/pagination/pagination.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import { CreateMessageDto, MessagePageDto, MessageResponseDto } from '#src/modules/messages/dto/message.dto.js';
import { MessagesService } from '#src/modules/messages/messages.service.js';

@ApiTags('messages')
@ApiBearerAuth()
@Controller()
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get('tickets/:id/messages')
  @ApiOperation({ summary: 'The customer-visible thread, oldest first' })
  @ApiOkResponse({ type: MessagePageDto })
  @ApiErrors(401, 404, 422)
  list(@CurrentUser() user: AuthUser, @IdParam() ticketId: number, @Query() query: PaginationQueryDto): Promise<MessagePageDto> {
    return this.messages.list(user, ticketId, query);
  }

  @Post('tickets/:id/messages')
  @ApiOperation({ summary: 'Write to the thread (the ticket’s client or an agent); a repeated client_msg_id returns the stored message' })
  @ApiCreatedResponse({ type: MessageResponseDto, description: 'The message, stored now' })
  @ApiOkResponse({ type: MessageResponseDto, description: 'A client_msg_id this author already used: the message stored then, nothing stored again' })
  @ApiErrors(401, 404, 409, 422)
  async create(
    @CurrentUser() user: AuthUser,
    @IdParam() ticketId: number,
    @Body() dto: CreateMessageDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessageResponseDto> {
    const { message, created } = await this.messages.create(user, ticketId, dto);
    if (!created) res.status(HttpStatus.OK);
    return message;
  }

  @Delete('messages/:id')
  @HttpCode(204)
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'Delete a message and its attachments (agents)' })
  @ApiNoContentResponse({ description: 'Deleted, with its attachments' })
  @ApiErrors(401, 403, 404, 422)
  delete(@IdParam() id: number): Promise<void> {
    return this.messages.delete(id);
  }
}
