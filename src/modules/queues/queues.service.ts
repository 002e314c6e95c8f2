import { Injectable } from '@nestjs/common';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { decodeCursor, type Page, type PaginationQueryDto, toPage } from '#src/common/pagination/pagination.js';
import {
  type CreateQueueDto,
  type QueueResponseDto,
  toQueueResponse,
  type UpdateQueueDto,
} from '#src/modules/queues/dto/queue.dto.js';
import type { QueueEntity } from '#src/modules/queues/queue.entity.js';
import { QueuesRepository } from '#src/modules/queues/queues.repository.js';

const notFound = () => new AppError(ErrorCode.NOT_FOUND, 'Queue not found');

@Injectable()
export class QueuesService {
  constructor(private readonly queues: QueuesRepository) {}

  async list(query: PaginationQueryDto): Promise<Page<QueueResponseDto>> {
    const limit = query.limit ?? 20;
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : undefined;
    return toPage(await this.queues.list(afterId, limit), limit, toQueueResponse, (q) => [q.id]);
  }

  async get(id: number): Promise<QueueResponseDto> {
    return toQueueResponse(await this.getEntity(id));
  }

  async getEntity(id: number): Promise<QueueEntity> {
    const queue = await this.queues.findById(id);
    if (!queue) throw notFound();
    return queue;
  }

  /** A queue a ticket names must exist: 422 naming `queue_id` otherwise. */
  async assertExists(queueId: number): Promise<void> {
    if (!(await this.queues.exists(queueId))) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'No such queue', [{ field: 'queue_id', problems: ['queue_id must be an existing queue'] }]);
    }
  }

  async create(dto: CreateQueueDto): Promise<QueueResponseDto> {
    return toQueueResponse(await this.queues.insert({ name: dto.name, description: dto.description ?? '', botEnabled: dto.bot_enabled ?? true }));
  }

  async update(id: number, dto: UpdateQueueDto): Promise<QueueResponseDto> {
    await this.getEntity(id);
    await this.queues.update(id, {
      ...(dto.name !== undefined && { name: dto.name }),
      ...(dto.description !== undefined && { description: dto.description }),
      ...(dto.bot_enabled !== undefined && { botEnabled: dto.bot_enabled }),
    });
    return this.get(id);
  }

  async delete(id: number): Promise<void> {
    if (!(await this.queues.delete(id))) throw notFound();
  }
}
