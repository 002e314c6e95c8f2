import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, MoreThan, Repository } from 'typeorm';
import { NoteEntity } from '#src/modules/notes/note.entity.js';

@Injectable()
export class NotesRepository {
  constructor(@InjectRepository(NoteEntity) private readonly notes: Repository<NoteEntity>) {}

  insert(values: Omit<NoteEntity, 'id' | 'createdAt'> & { createdAt?: Date }): Promise<NoteEntity> {
    return this.notes.save(this.notes.create(values));
  }

  findById(id: number): Promise<NoteEntity | null> {
    return this.notes.findOneBy({ id });
  }

  /** Reads and row-locks a note until the transaction ends (uploads to it wait). */
  lockById(id: number, manager: EntityManager): Promise<NoteEntity | null> {
    return manager.getRepository(NoteEntity).createQueryBuilder('n').where('n.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  listByTicket(ticketId: number, afterId: number | undefined, limit: number): Promise<NoteEntity[]> {
    return this.notes.find({
      where: { ticketId, ...(afterId !== undefined && { id: MoreThan(afterId) }) },
      order: { id: 'ASC' },
      take: limit + 1,
    });
  }

  async delete(id: number, manager?: EntityManager): Promise<void> {
    await (manager ? manager.getRepository(NoteEntity) : this.notes).delete({ id });
  }
}
