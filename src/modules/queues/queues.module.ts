import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QueueEntity } from '#src/modules/queues/queue.entity.js';
import { QueuesController } from '#src/modules/queues/queues.controller.js';
import { QueuesRepository } from '#src/modules/queues/queues.repository.js';
import { QueuesService } from '#src/modules/queues/queues.service.js';
import { SystemQueuesService } from '#src/modules/queues/system-queues.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([QueueEntity])],
  controllers: [QueuesController],
  providers: [QueuesService, QueuesRepository, SystemQueuesService],
  exports: [QueuesService],
})
export class QueuesModule {}
