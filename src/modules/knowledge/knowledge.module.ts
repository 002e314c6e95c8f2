import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '#src/modules/auth/auth.module.js';
import { ArticleEntity } from '#src/modules/knowledge/article.entity.js';
import { KnowledgeController } from '#src/modules/knowledge/knowledge.controller.js';
import { KnowledgeRepository } from '#src/modules/knowledge/knowledge.repository.js';
import { KnowledgeService } from '#src/modules/knowledge/knowledge.service.js';
import { OptionalUserGuard } from '#src/modules/knowledge/optional-user.guard.js';
import { TicketsModule } from '#src/modules/tickets/tickets.module.js';

@Module({
  imports: [TypeOrmModule.forFeature([ArticleEntity]), AuthModule, TicketsModule],
  controllers: [KnowledgeController],
  providers: [KnowledgeService, KnowledgeRepository, OptionalUserGuard],
  exports: [KnowledgeService],
})
export class KnowledgeModule {}
