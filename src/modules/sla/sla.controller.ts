import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles } from '#src/common/auth/auth.decorators.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { PaginationQueryDto } from '#src/common/pagination/pagination.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import {
  BusinessCalendarPageDto,
  BusinessCalendarResponseDto,
  PutBusinessCalendarDto,
  PutSlaPolicyDto,
  SlaPolicyPageDto,
  SlaPolicyResponseDto,
} from '#src/modules/sla/dto/sla.dto.js';
import { SlaService } from '#src/modules/sla/sla.service.js';

@ApiTags('sla')
@ApiBearerAuth()
@Controller('sla')
export class SlaController {
  constructor(private readonly sla: SlaService) {}

  @Get('policies')
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'The SLA policy of each priority, urgent first (agents)', description: 'A list like every other: `{items, next_cursor}`; the four policies fit the default page.' })
  @ApiOkResponse({ type: SlaPolicyPageDto })
  @ApiErrors(401, 403, 422)
  listPolicies(@Query() query: PaginationQueryDto): Promise<SlaPolicyPageDto> {
    return this.sla.listPolicies(query);
  }

  @Put('policies/:priority')
  @Roles('admin')
  @ApiOperation({ summary: 'Set a priority\'s targets, calendar, pause and escalation (admin); open tickets follow' })
  @ApiParam({ name: 'priority', enum: ['urgent', 'high', 'medium', 'low'] })
  @ApiOkResponse({ type: SlaPolicyResponseDto })
  @ApiErrors(401, 403, 404, 422)
  putPolicy(@Param('priority') priority: string, @Body() dto: PutSlaPolicyDto): Promise<SlaPolicyResponseDto> {
    return this.sla.putPolicy(priority.toLowerCase(), dto);
  }

  @Get('calendars')
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'Business calendars in id order, a page at a time (agents)' })
  @ApiOkResponse({ type: BusinessCalendarPageDto })
  @ApiErrors(401, 403, 422)
  listCalendars(@Query() query: PaginationQueryDto): Promise<BusinessCalendarPageDto> {
    return this.sla.listCalendars(query);
  }

  @Get('calendars/:id')
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'One business calendar (agents)' })
  @ApiOkResponse({ type: BusinessCalendarResponseDto })
  @ApiErrors(401, 403, 404, 422)
  getCalendar(@IdParam() id: number): Promise<BusinessCalendarResponseDto> {
    return this.sla.getCalendar(id);
  }

  @Post('calendars')
  @Roles('admin')
  @ApiOperation({ summary: 'Create a business calendar (admin)' })
  @ApiCreatedResponse({ type: BusinessCalendarResponseDto })
  @ApiErrors(401, 403, 409, 422)
  createCalendar(@Body() dto: PutBusinessCalendarDto): Promise<BusinessCalendarResponseDto> {
    return this.sla.createCalendar(dto);
  }

  @Put('calendars/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Replace a business calendar (admin); open tickets under it follow' })
  @ApiOkResponse({ type: BusinessCalendarResponseDto })
  @ApiErrors(401, 403, 404, 409, 422)
  putCalendar(@IdParam() id: number, @Body() dto: PutBusinessCalendarDto): Promise<BusinessCalendarResponseDto> {
    return this.sla.putCalendar(id, dto);
  }

  @Delete('calendars/:id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Delete a business calendar no policy uses (admin)' })
  @ApiNoContentResponse({ description: 'Deleted (409 while a policy uses it)' })
  @ApiErrors(401, 403, 404, 409, 422)
  deleteCalendar(@IdParam() id: number): Promise<void> {
    return this.sla.deleteCalendar(id);
  }
}
