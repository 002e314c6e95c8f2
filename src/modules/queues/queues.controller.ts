import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '#src/common/auth/auth.decorators.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { PaginationQueryDto } from '#src/common/pagination/pagination.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import { CreateQueueDto, QueuePageDto, QueueResponseDto, UpdateQueueDto } from '#src/modules/queues/dto/queue.dto.js';
import { QueuesService } from '#src/modules/queues/queues.service.js';

@ApiTags('queues')
@ApiBearerAuth()
@Controller('queues')
export class QueuesController {
  constructor(private readonly queues: QueuesService) {}

  @Get()
  @ApiOperation({ summary: 'The queues' })
  @ApiOkResponse({ type: QueuePageDto })
  @ApiErrors(401, 422)
  list(@Query() query: PaginationQueryDto): Promise<QueuePageDto> {
    return this.queues.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One queue' })
  @ApiOkResponse({ type: QueueResponseDto })
  @ApiErrors(401, 404, 422)
  get(@IdParam() id: number): Promise<QueueResponseDto> {
    return this.queues.get(id);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a queue (admin)' })
  @ApiCreatedResponse({ type: QueueResponseDto })
  @ApiErrors(401, 403, 409, 422)
  create(@Body() dto: CreateQueueDto): Promise<QueueResponseDto> {
    return this.queues.create(dto);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Rename or describe a queue (admin)' })
  @ApiOkResponse({ type: QueueResponseDto })
  @ApiErrors(401, 403, 404, 409, 422)
  update(@IdParam() id: number, @Body() dto: UpdateQueueDto): Promise<QueueResponseDto> {
    return this.queues.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Delete a queue that has no tickets (admin)' })
  @ApiNoContentResponse({ description: 'Deleted (409 while tickets still use it)' })
  @ApiErrors(401, 403, 404, 409, 422)
  delete(@IdParam() id: number): Promise<void> {
    return this.queues.delete(id);
  }
}
