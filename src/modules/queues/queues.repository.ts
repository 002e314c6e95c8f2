import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, MoreThan, Repository } from 'typeorm';
import { conflictOnUnique, isReferenceViolation } from '#src/common/database/pg-errors.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import type { SystemQueueTexts } from '#src/modules/queues/domain/system-queues.js';
import { QueueEntity } from '#src/modules/queues/queue.entity.js';

function nameTaken(error: unknown): never {
  throw conflictOnUnique(error, 'A queue with this name already exists', [{ field: 'name' }]);
}

/**
 * SQL for the id of the system queue whose key is the text parameter `keyParam` (such as `$1`):
 * that queue, else the general one, else the first; NULL only when there are no queues at all.
 */
export function systemQueueIdSql(keyParam: string): string {
  return `(SELECT id FROM queues ORDER BY (system_key = ${keyParam}::text) IS TRUE DESC, (system_key = 'general') IS TRUE DESC, id LIMIT 1)`;
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

  /**
   * Gives every system queue whose name and description are both still catalogue texts (in any
   * locale: no admin has edited it) the name and description of `texts`, in one idempotent
   * statement. A name another queue already has is left alone rather than failing start-up.
   * Returns how many queues changed.
   */
  async localizeSystemQueues(texts: SystemQueueTexts[], manager: EntityManager): Promise<number> {
    const rows: unknown[] = await manager.query(
      `UPDATE queues q
          SET name = v.name, description = v.description, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS v (key text, name text, description text, default_names text[], default_descriptions text[])
        WHERE q.system_key = v.key
          AND q.name::text = ANY (v.default_names)
          AND q.description = ANY (v.default_descriptions)
          AND (q.name::text <> v.name OR q.description <> v.description)
          AND NOT EXISTS (SELECT 1 FROM queues other WHERE other.name = v.name::citext AND other.id <> q.id)
       RETURNING q.id`,
      [JSON.stringify(texts.map((t) => ({ key: t.key, name: t.name, description: t.description, default_names: t.defaultNames, default_descriptions: t.defaultDescriptions })))],
    );
    return rows.length;
  }

  async exists(id: number): Promise<boolean> {
    return this.queues.existsBy({ id });
  }

  findById(id: number): Promise<QueueEntity | null> {
    return this.queues.findOneBy({ id });
  }

  async insert(values: { name: string; description: string; botEnabled: boolean }): Promise<QueueEntity> {
    try {
      return await this.queues.save(this.queues.create(values));
    } catch (error) {
      nameTaken(error);
    }
  }

  async update(id: number, values: Partial<Pick<QueueEntity, 'name' | 'description' | 'botEnabled'>>): Promise<void> {
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
      if (isReferenceViolation(error)) {
        throw new AppError(ErrorCode.CONFLICT, 'The queue still has tickets; move them first');
      }
      throw error;
    }
  }
}
