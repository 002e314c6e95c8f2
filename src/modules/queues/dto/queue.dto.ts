import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { PageMetaDto } from '#src/common/pagination/pagination.js';
import { Trim } from '#src/common/validation/transforms.js';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import type { QueueEntity } from '#src/modules/queues/queue.entity.js';

export class QueueResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'Billing' }) name: string;
  @ApiProperty({ example: 'Invoices, payments and refunds' }) description: string;
  @ApiProperty({ description: "The chat bot takes this queue's new live chats first (when BOT_ENABLED)" }) bot_enabled: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class QueuePageDto extends PageMetaDto {
  @ApiProperty({ type: [QueueResponseDto] }) items: QueueResponseDto[];
}

export function toQueueResponse(queue: QueueEntity): QueueResponseDto {
  return {
    id: queue.id,
    name: queue.name,
    description: queue.description,
    bot_enabled: queue.botEnabled,
    created_at: queue.createdAt.toISOString(),
    updated_at: queue.updatedAt.toISOString(),
  };
}

export class CreateQueueDto {
  @ApiProperty({ example: 'Returns' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({ example: 'Returns and exchanges' })
  @OptionalNotNull()
  @Trim()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ default: true, description: "The chat bot takes this queue's new live chats first (when BOT_ENABLED)" })
  @OptionalNotNull()
  @IsBoolean()
  bot_enabled?: boolean;
}

export class UpdateQueueDto {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @Trim()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ default: true, description: "The chat bot takes this queue's new live chats first (when BOT_ENABLED)" })
  @OptionalNotNull()
  @IsBoolean()
  bot_enabled?: boolean;
}
