import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '#src/common/auth/auth.decorators.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { DEFAULT_LIMIT, decodeCursor, PaginationQueryDto, toPage } from '#src/common/pagination/pagination.js';
import { OnlineAgentPageDto } from '#src/modules/chat/dto/presence.dto.js';
import { PresenceService } from '#src/modules/chat/presence.service.js';

/** Who of the team is online (the console shows it, kept current by `agent:presence`): agents and admins only. */
@ApiTags('presence')
@ApiBearerAuth()
@Roles('agent', 'admin')
@Controller('presence')
export class PresenceController {
  constructor(private readonly presence: PresenceService) {}

  @Get('agents')
  @ApiOperation({
    summary: 'The agents and admins online now (a chat connection open on any instance), by id',
    description: 'Kept current over Socket.IO by `agent:presence` `{user_id, name, online}` to the agents. Customers get 403.',
  })
  @ApiOkResponse({ type: OnlineAgentPageDto })
  @ApiErrors(401, 403, 422)
  async agents(@Query() query: PaginationQueryDto): Promise<OnlineAgentPageDto> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : 0;
    const rows = await this.presence.onlineAgents(afterId, limit + 1);
    return toPage(rows, limit, (row) => row, (row) => [row.id]);
  }
}
