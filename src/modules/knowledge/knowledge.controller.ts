import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, OptionalAuth, OptionalUser, Roles } from '#src/common/auth/auth.decorators.js';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import {
  ArticleFeedbackDto,
  ArticleFeedbackResponseDto,
  ArticlePageDto,
  ArticleReportDto,
  ArticleReportQueryDto,
  ArticleResponseDto,
  ArticleSuggestionsDto,
  CreateArticleDto,
  ListArticlesQueryDto,
  SuggestArticlesQueryDto,
  UpdateArticleDto,
} from '#src/modules/knowledge/dto/article.dto.js';
import { KnowledgeService } from '#src/modules/knowledge/knowledge.service.js';

/** The knowledge base. `suggest` and `report` come before `:id`, which would otherwise take them. */
@ApiTags('knowledge base')
@ApiBearerAuth()
@Controller('articles')
export class KnowledgeController {
  constructor(private readonly knowledge: KnowledgeService) {}

  @Get()
  @OptionalAuth()
  @ApiOperation({
    summary: 'Search or list articles (no token needed)',
    description:
      'With `q`: best match first (title over tags over text; English or Russian word forms by the article’s locale; typos corrected), each with a `snippet`. ' +
      'Without: newest first. Published articles only, except for agents, who also see drafts and the `stats` of each.',
  })
  @ApiOkResponse({ type: ArticlePageDto })
  @ApiErrors(401, 422)
  list(@OptionalUser() viewer: AuthUser | null, @Query() query: ListArticlesQueryDto): Promise<ArticlePageDto> {
    return this.knowledge.list(viewer, query);
  }

  @Get('suggest')
  @ApiOperation({ summary: 'The top 3 published articles for a ticket the caller may see (404 otherwise) or for a text' })
  @ApiOkResponse({ type: ArticleSuggestionsDto })
  @ApiErrors(401, 404, 422)
  suggest(@CurrentUser() user: AuthUser, @Query() query: SuggestArticlesQueryDto): Promise<ArticleSuggestionsDto> {
    return this.knowledge.suggest(user, query);
  }

  @Get('report')
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'The most viewed and the least helpful articles (agents)' })
  @ApiOkResponse({ type: ArticleReportDto })
  @ApiErrors(401, 403, 422)
  report(@Query() query: ArticleReportQueryDto): Promise<ArticleReportDto> {
    return this.knowledge.report(query.limit);
  }

  @Get(':id')
  @OptionalAuth()
  @ApiOperation({ summary: 'One article, counting a view (no token needed; a draft is 404 except to agents)' })
  @ApiOkResponse({ type: ArticleResponseDto })
  @ApiErrors(401, 404, 422)
  get(@OptionalUser() viewer: AuthUser | null, @IdParam() id: number): Promise<ArticleResponseDto> {
    return this.knowledge.view(viewer, id);
  }

  @Post()
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'Write an article (agents); a draft unless `published`' })
  @ApiCreatedResponse({ type: ArticleResponseDto })
  @ApiErrors(401, 403, 422)
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateArticleDto): Promise<ArticleResponseDto> {
    return this.knowledge.create(user, dto);
  }

  @Patch(':id')
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'Change an article (agents)' })
  @ApiOkResponse({ type: ArticleResponseDto })
  @ApiErrors(401, 403, 404, 422)
  update(@IdParam() id: number, @Body() dto: UpdateArticleDto): Promise<ArticleResponseDto> {
    return this.knowledge.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'Delete an article with its views and votes (agents)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(401, 403, 404, 422)
  delete(@IdParam() id: number): Promise<void> {
    return this.knowledge.delete(id);
  }

  @Post(':id/feedback')
  @HttpCode(200)
  @ApiOperation({ summary: 'Say whether an article helped: one vote per user, a second one replaces the first' })
  @ApiOkResponse({ type: ArticleFeedbackResponseDto })
  @ApiErrors(401, 404, 422)
  feedback(@CurrentUser() user: AuthUser, @IdParam() id: number, @Body() dto: ArticleFeedbackDto): Promise<ArticleFeedbackResponseDto> {
    return this.knowledge.feedback(user, id, dto.helpful);
  }
}
