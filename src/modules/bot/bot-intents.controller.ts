import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '#src/common/auth/auth.decorators.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { PaginationQueryDto } from '#src/common/pagination/pagination.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import { BotIntentsService } from '#src/modules/bot/bot-intents.service.js';
import { CreateIntentDto, IntentPageDto, IntentResponseDto, UpdateIntentDto } from '#src/modules/bot/dto/bot-intent.dto.js';

@ApiTags('bot')
@ApiBearerAuth()
@Roles('admin')
@Controller('bot/intents')
export class BotIntentsController {
  constructor(private readonly intents: BotIntentsService) {}

  @Get()
  @ApiOperation({ summary: "The chat bot's intents, in id order (admin)" })
  @ApiOkResponse({ type: IntentPageDto })
  @ApiErrors(401, 403, 422)
  list(@Query() query: PaginationQueryDto): Promise<IntentPageDto> {
    return this.intents.list(query);
  }

  @Post()
  @ApiOperation({ summary: 'Add an intent: phrases and a reply per language, slots to ask for, what to do then (admin); applies to the next message' })
  @ApiCreatedResponse({ type: IntentResponseDto })
  @ApiErrors(401, 403, 409, 422)
  create(@Body() dto: CreateIntentDto): Promise<IntentResponseDto> {
    return this.intents.create(dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an intent (admin); what is left out keeps its value' })
  @ApiOkResponse({ type: IntentResponseDto })
  @ApiErrors(401, 403, 404, 409, 422)
  update(@IdParam() id: number, @Body() dto: UpdateIntentDto): Promise<IntentResponseDto> {
    return this.intents.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an intent (admin)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(401, 403, 404, 422)
  delete(@IdParam() id: number): Promise<void> {
    return this.intents.delete(id);
  }
}
