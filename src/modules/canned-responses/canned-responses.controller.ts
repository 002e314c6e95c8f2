import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '#src/common/auth/auth.decorators.js';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import { CannedResponsesService } from '#src/modules/canned-responses/canned-responses.service.js';
import {
  CannedResponseDto,
  CannedResponsePageDto,
  CreateCannedResponseDto,
  ListCannedResponsesQueryDto,
  RenderCannedResponseDto,
  RenderedCannedResponseDto,
  UpdateCannedResponseDto,
} from '#src/modules/canned-responses/dto/canned-response.dto.js';

/** Saved replies: agents and admins only (customers get 403). */
@ApiTags('canned responses')
@ApiBearerAuth()
@Roles('agent', 'admin')
@Controller('canned-responses')
export class CannedResponsesController {
  constructor(private readonly canned: CannedResponsesService) {}

  @Get()
  @ApiOperation({ summary: 'Your personal canned responses and the shared ones, by shortcut; `q` searches shortcut prefixes and titles' })
  @ApiOkResponse({ type: CannedResponsePageDto })
  @ApiErrors(401, 403, 422)
  list(@CurrentUser() user: AuthUser, @Query() query: ListCannedResponsesQueryDto): Promise<CannedResponsePageDto> {
    return this.canned.list(user, query);
  }

  @Post()
  @ApiOperation({ summary: 'Save a reply, personal unless `shared` (409: the shortcut is taken)' })
  @ApiCreatedResponse({ type: CannedResponseDto })
  @ApiErrors(401, 403, 409, 422)
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateCannedResponseDto): Promise<CannedResponseDto> {
    return this.canned.create(user, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One canned response (another agent’s personal one is 404)' })
  @ApiOkResponse({ type: CannedResponseDto })
  @ApiErrors(401, 403, 404, 422)
  get(@CurrentUser() user: AuthUser, @IdParam() id: number): Promise<CannedResponseDto> {
    return this.canned.get(user, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change one: its author; a shared one also an admin (another agent: 403)' })
  @ApiOkResponse({ type: CannedResponseDto })
  @ApiErrors(401, 403, 404, 409, 422)
  update(@CurrentUser() user: AuthUser, @IdParam() id: number, @Body() dto: UpdateCannedResponseDto): Promise<CannedResponseDto> {
    return this.canned.update(user, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete one: its author; a shared one also an admin (another agent: 403)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(401, 403, 404, 422)
  delete(@CurrentUser() user: AuthUser, @IdParam() id: number): Promise<void> {
    return this.canned.delete(user, id);
  }

  @Post(':id/render')
  @HttpCode(200)
  @ApiOperation({ summary: 'The content with the ticket’s values in its placeholders; unknown placeholders stay as written' })
  @ApiOkResponse({ type: RenderedCannedResponseDto })
  @ApiErrors(401, 403, 404, 422)
  render(@CurrentUser() user: AuthUser, @IdParam() id: number, @Body() dto: RenderCannedResponseDto): Promise<RenderedCannedResponseDto> {
    return this.canned.render(user, id, dto.ticket_id);
  }
}
