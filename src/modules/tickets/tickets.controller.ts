import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '#src/common/auth/auth.decorators.js';
import { type AuthUser, isAgent } from '#src/common/auth/auth-user.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { PaginationQueryDto } from '#src/common/pagination/pagination.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import {
  AssignTicketDto,
  BulkUpdateResultDto,
  BulkUpdateTicketsDto,
  CreateTicketDto,
  ListTicketsQueryDto,
  TicketEventPageDto,
  TicketPageDto,
  TicketResponseDto,
  TicketStatsDto,
  TicketStatsQueryDto,
  UpdateTicketDto,
} from '#src/modules/tickets/dto/ticket.dto.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller('tickets')
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Post()
  @ApiOperation({ summary: 'Open a ticket (agents may add client_email to open it for a customer)' })
  @ApiCreatedResponse({ type: TicketResponseDto })
  @ApiErrors(401, 403, 422)
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateTicketDto): Promise<TicketResponseDto> {
    return this.tickets.create(user, dto, isAgent(user) ? 'api' : 'web');
  }

  @Get()
  @ApiOperation({ summary: 'Tickets, newest first; a client sees only its own' })
  @ApiOkResponse({ type: TicketPageDto })
  @ApiErrors(401, 422)
  list(@CurrentUser() user: AuthUser, @Query() query: ListTicketsQueryDto): Promise<TicketPageDto> {
    return this.tickets.list(user, query);
  }

  @Get('stats')
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'Counts by status, priority and queue; SLA breaches; median response and resolution times' })
  @ApiOkResponse({ type: TicketStatsDto })
  @ApiErrors(401, 403, 422)
  stats(@Query() query: TicketStatsQueryDto): Promise<TicketStatsDto> {
    return this.tickets.stats(query);
  }

  @Post('bulk')
  @HttpCode(200)
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'Change many tickets in one transaction: all or nothing' })
  @ApiOkResponse({ type: BulkUpdateResultDto, description: 'The changed tickets' })
  @ApiErrors(400, 401, 403, 404, 409, 422)
  bulk(@CurrentUser() user: AuthUser, @Body() dto: BulkUpdateTicketsDto): Promise<BulkUpdateResultDto> {
    return this.tickets.bulkUpdate(user, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One ticket (404 for a client asking for another customer’s)' })
  @ApiOkResponse({ type: TicketResponseDto })
  @ApiErrors(401, 404, 422)
  get(@CurrentUser() user: AuthUser, @IdParam() id: number): Promise<TicketResponseDto> {
    return this.tickets.get(user, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a ticket; status moves only along allowed transitions (409 otherwise)' })
  @ApiOkResponse({ type: TicketResponseDto })
  @ApiErrors(401, 403, 404, 409, 422)
  update(@CurrentUser() user: AuthUser, @IdParam() id: number, @Body() dto: UpdateTicketDto): Promise<TicketResponseDto> {
    return this.tickets.update(user, id, dto);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'Assign to an active agent (400 otherwise), or unassign with null' })
  @ApiOkResponse({ type: TicketResponseDto })
  @ApiErrors(400, 401, 403, 404, 422)
  assign(@CurrentUser() user: AuthUser, @IdParam() id: number, @Body() dto: AssignTicketDto): Promise<TicketResponseDto> {
    return this.tickets.assign(user, id, dto.agent_id);
  }

  @Get(':id/history')
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'Every change of the ticket, oldest first, with who made it' })
  @ApiOkResponse({ type: TicketEventPageDto })
  @ApiErrors(401, 403, 404, 422)
  history(@CurrentUser() user: AuthUser, @IdParam() id: number, @Query() query: PaginationQueryDto): Promise<TicketEventPageDto> {
    return this.tickets.history(user, id, query);
  }
}
