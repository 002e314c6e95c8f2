import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { PG_FOREIGN_KEY_VIOLATION, PG_UNIQUE_VIOLATION, pgErrorCode } from '#src/common/database/pg-errors.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { QueueEntity } from '#src/modules/queues/queue.entity.js';

function nameTaken(error: unknown): never {
  if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) {
    throw new AppError(ErrorCode.CONFLICT, 'A queue with this name already exists', [{ field: 'name' }]);
  }
  throw error;
}

@Injectable()
export class QueuesRepository {
  constructor(@InjectRepository(QueueEntity) private readonly queues: Repository<QueueEntity>) {}

  /** Up to `limit + 1` queues in id order after `afterId`. */
  list(afterId: number | undefined, limit: number): Promise<QueueEntity[]> {
    return this.queues.find({
      where: afterId === undefined ? {} : { id: MoreThan(afterId) },
      order: { id: 'ASC' },
      take: limit + 1,
    });
  }

  /** Where tickets go when no queue is named: "General questions", else the first queue. */
  async findDefaultId(): Promise<number | null> {
    const rows: { id: number }[] = await this.queues.query(
      `SELECT id FROM queues ORDER BY (name = 'General questions') DESC, id LIMIT 1`,
    );
    return rows[0]?.id ?? null;
  }

  async exists(id: number): Promise<boolean> {
    return this.queues.existsBy({ id });
  }

  findById(id: number): Promise<QueueEntity | null> {
    return this.queues.findOneBy({ id });
  }

  async insert(values: { name: string; description: string }): Promise<QueueEntity> {
    try {
      return await this.queues.save(this.queues.create(values));
    } catch (error) {
      nameTaken(error);
    }
  }

  async update(id: number, values: Partial<Pick<QueueEntity, 'name' | 'description'>>): Promise<void> {
    try {
      await this.queues.update({ id }, values);
    } catch (error) {
      nameTaken(error);
    }
  }

  /** Deletes the queue; false when it did not exist; CONFLICT while tickets still use it. */
  async delete(id: number): Promise<boolean> {
    try {
      const result = await this.queues.delete({ id });
      return (result.affected ?? 0) > 0;
    } catch (error) {
      if (pgErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) {
        throw new AppError(ErrorCode.CONFLICT, 'The queue still has tickets; move them first');
      }
      throw error;
    }
  }
}
