import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '#src/common/auth/auth.decorators.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { PaginationQueryDto } from '#src/common/pagination/pagination.js';
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
  agents(@Query() query: PaginationQueryDto): Promise<OnlineAgentPageDto> {
    return this.presence.onlineAgents(query);
  }
}
