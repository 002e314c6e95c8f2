import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArticleEntity } from '#src/modules/knowledge/article.entity.js';
import { KnowledgeController } from '#src/modules/knowledge/knowledge.controller.js';
import { KnowledgeRepository } from '#src/modules/knowledge/knowledge.repository.js';
import { KnowledgeService } from '#src/modules/knowledge/knowledge.service.js';
import { TicketsModule } from '#src/modules/tickets/tickets.module.js';

@Module({
  imports: [TypeOrmModule.forFeature([ArticleEntity]), TicketsModule],
  controllers: [KnowledgeController],
  providers: [KnowledgeService, KnowledgeRepository],
  exports: [KnowledgeService],
})
export class KnowledgeModule {}
