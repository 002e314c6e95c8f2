import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsNotEmpty, IsString, Max, MaxLength, Min, MinLength, ValidateBy } from 'class-validator';
import { PageMetaDto, PaginationQueryDto, WholeListDto } from '#src/common/pagination/pagination.js';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import { QueryInt, Trim } from '#src/common/validation/transforms.js';
import { MAX_INT4 } from '#src/common/validation/limits.js';
import { ARTICLE_LOCALES, type ArticleLocale, DEFAULT_ARTICLE_LOCALE, isHttpUrl } from '#src/modules/knowledge/domain/article-rules.js';
import { QUERY_MAX } from '#src/modules/knowledge/domain/search-query.js';
import { hasControlCharacters } from '#src/modules/knowledge/domain/snippet.js';

export const ARTICLE_TITLE_MAX = 200;
export const ARTICLE_CONTENT_MAX = 50_000;
const TAGS_MAX = 20;
const TAG_MAX = 50;
const MEDIA_LINKS_MAX = 20;

/** Text without control characters (tab and line breaks allowed): they would break the snippet markers. */
const NoControlCharacters = (each = false) =>
  ValidateBy(
    {
      name: 'noControlCharacters',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !hasControlCharacters(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} must not contain control characters`,
      },
    },
    { each },
  );

const HttpUrls = () =>
  ValidateBy(
    {
      name: 'httpUrl',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isHttpUrl(value),
        defaultMessage: (args) => `each value in ${args?.property ?? 'value'} must be an absolute http(s) URL without credentials`,
      },
    },
    { each: true },
  );

/** Locale accepted in any case, returned in lower case. */
const LocaleValue = () =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)),
    IsIn(ARTICLE_LOCALES),
  );

const Title = () => applyDecorators(Trim(), IsString(), IsNotEmpty(), MaxLength(ARTICLE_TITLE_MAX), NoControlCharacters());
const Content = () => applyDecorators(IsString(), MaxLength(ARTICLE_CONTENT_MAX), NoControlCharacters());
const MediaLinks = () => applyDecorators(IsArray(), ArrayMaxSize(MEDIA_LINKS_MAX), HttpUrls());
const Tags = () =>
  applyDecorators(IsArray(), ArrayMaxSize(TAGS_MAX), IsString({ each: true }), MaxLength(TAG_MAX, { each: true }), NoControlCharacters(true));

export class ArticleStatsDto {
  @ApiProperty() views: number;
  @ApiProperty() helpful: number;
  @ApiProperty() not_helpful: number;
}

export class ArticleResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'How to reset your password' }) title: string;
  @ApiProperty({ example: 'Open the sign-in page and choose “Forgot password”.' }) content: string;
  @ApiProperty({ type: [String], example: ['https://example.com/reset.mp4'] }) media_links: string[];
  @ApiProperty({ type: [String], example: ['account', 'login'] }) tags: string[];
  @ApiProperty() published: boolean;
  @ApiProperty({ enum: ARTICLE_LOCALES }) locale: ArticleLocale;
  @ApiProperty({ type: Number, nullable: true }) author_id: number | null;
  @ApiProperty({ type: String, nullable: true }) author_name: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiPropertyOptional({ type: ArticleStatsDto, description: 'Agents only: views and votes' }) stats?: ArticleStatsDto;
  @ApiPropertyOptional({
    description: 'Search results only: the best passage (ts_headline), HTML-escaped, the matched words in <b>…</b>',
    example: 'Open the sign-in page and choose “Forgot <b>password</b>”.',
  })
  snippet?: string;
}

export class ArticlePageDto extends PageMetaDto {
  @ApiProperty({ type: [ArticleResponseDto] }) items: ArticleResponseDto[];
}

export class ArticleSuggestionsDto extends WholeListDto {
  @ApiProperty({ type: [ArticleResponseDto], description: 'At most 3, best first' }) items: ArticleResponseDto[];
}

export class CreateArticleDto {
  @ApiProperty({ maxLength: ARTICLE_TITLE_MAX, example: 'How to reset your password' })
  @Title()
  title: string;

  @ApiProperty({ maxLength: ARTICLE_CONTENT_MAX, example: 'Open the sign-in page and choose “Forgot password”.' })
  @Content()
  content: string;

  @ApiPropertyOptional({ type: [String], maxItems: MEDIA_LINKS_MAX, description: 'Absolute http(s) URLs', default: [] })
  @OptionalNotNull()
  @MediaLinks()
  media_links?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: TAGS_MAX, description: 'Trimmed; duplicates kept once', default: [] })
  @OptionalNotNull()
  @Tags()
  tags?: string[];

  @ApiPropertyOptional({ default: false, description: 'Drafts (false) are seen by agents only' })
  @OptionalNotNull()
  @IsBoolean()
  published?: boolean;

  @ApiPropertyOptional({ enum: ARTICLE_LOCALES, default: DEFAULT_ARTICLE_LOCALE, description: 'Searched with the word forms of this language' })
  @OptionalNotNull()
  @LocaleValue()
  locale?: ArticleLocale;
}

export class UpdateArticleDto {
  @ApiPropertyOptional({ maxLength: ARTICLE_TITLE_MAX })
  @OptionalNotNull()
  @Title()
  title?: string;

  @ApiPropertyOptional({ maxLength: ARTICLE_CONTENT_MAX })
  @OptionalNotNull()
  @Content()
  content?: string;

  @ApiPropertyOptional({ type: [String], maxItems: MEDIA_LINKS_MAX })
  @OptionalNotNull()
  @MediaLinks()
  media_links?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: TAGS_MAX })
  @OptionalNotNull()
  @Tags()
  tags?: string[];

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsBoolean()
  published?: boolean;

  @ApiPropertyOptional({ enum: ARTICLE_LOCALES })
  @OptionalNotNull()
  @LocaleValue()
  locale?: ArticleLocale;
}

export class ListArticlesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ maxLength: QUERY_MAX, description: 'Search words (websearch syntax: "a phrase", or, -word); best match first. Without it: newest first' })
  @OptionalNotNull()
  @Trim()
  @IsString()
  @MaxLength(QUERY_MAX)
  @NoControlCharacters()
  q?: string;
}

export class SuggestArticlesQueryDto {
  @ApiPropertyOptional({ description: 'Suggest for this ticket (its title and description); give this or q' })
  @OptionalNotNull()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  ticket_id?: number;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Suggest for this text; give this or ticket_id' })
  @OptionalNotNull()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @NoControlCharacters()
  q?: string;
}

export class ArticleFeedbackDto {
  @ApiProperty({ description: 'Whether the article helped; a second vote replaces the first' })
  @IsBoolean()
  helpful: boolean;
}

export class ArticleFeedbackResponseDto {
  @ApiProperty() article_id: number;
  @ApiProperty({ description: 'The caller’s vote, as now stored' }) helpful: boolean;
  @ApiProperty({ description: 'false for a first vote, true when it replaced an earlier one' }) replaced: boolean;
}

export class ArticleReportRowDto {
  @ApiProperty() id: number;
  @ApiProperty() title: string;
  @ApiProperty() published: boolean;
  @ApiProperty({ enum: ARTICLE_LOCALES }) locale: ArticleLocale;
  @ApiProperty() views: number;
  @ApiProperty() helpful: number;
  @ApiProperty() not_helpful: number;
  @ApiProperty({ type: Number, nullable: true, description: 'helpful / (helpful + not_helpful); null without votes' }) helpful_share: number | null;
}

export class ArticleReportQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 10, description: 'Rows in each list' })
  @OptionalNotNull()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

export class ArticleReportDto {
  @ApiProperty({ type: [ArticleReportRowDto], description: 'Most viewed first' }) most_viewed: ArticleReportRowDto[];
  @ApiProperty({ type: [ArticleReportRowDto], description: 'Articles with votes, the lowest helpful share first (more “not helpful” votes first among equals)' })
  least_helpful: ArticleReportRowDto[];
}
