import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsString, ValidateBy } from 'class-validator';
import { PageMetaDto } from '#src/common/pagination/pagination.js';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import { Trim } from '#src/common/validation/transforms.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '#src/modules/webhooks/domain/webhook-events.js';
import { isWebhookUrl } from '#src/modules/webhooks/domain/webhook-url.js';
import type { DeliveryRow, EndpointRow } from '#src/modules/webhooks/webhooks.repository.js';

const WebhookUrl = () =>
  applyDecorators(
    Trim(),
    IsString(),
    ValidateBy({
      name: 'webhookUrl',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isWebhookUrl(value),
        defaultMessage: () => 'url must be an absolute http(s) URL without credentials or fragment, at most 2000 characters',
      },
    }),
  );
/** Event types, accepted in any case (ASCII only) and kept in lower case. */
const lowerAscii = (value: unknown) => (typeof value === 'string' && /^[\x20-\x7e]*$/.test(value) ? value.toLowerCase() : value);
const Events = () =>
  applyDecorators(
    Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.map(lowerAscii) : value)),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(WEBHOOK_EVENT_TYPES.length * 2),
    IsIn([...WEBHOOK_EVENT_TYPES], { each: true }),
  );

export class WebhookResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'https://hooks.example.com/support' }) url: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) events: WebhookEventType[];
  @ApiProperty({ description: 'Inactive endpoints get no events (an endpoint is made inactive after repeated failed deliveries)' }) active: boolean;
  @ApiProperty({ description: 'Deliveries given up in a row' }) consecutive_failures: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When failures made the endpoint inactive' }) disabled_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class CreatedWebhookResponseDto extends WebhookResponseDto {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'The signing secret (Standard Webhooks), shown only in this answer' })
  secret: string;
}

export class WebhookPageDto extends PageMetaDto {
  @ApiProperty({ type: [WebhookResponseDto] }) items: WebhookResponseDto[];
}

export class WebhookDeliveryResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({
    example: 'msg_2b3c9f0e6a1d4c7e8f9a0b1c2d3e4f5a',
    description:
      'The event\'s `webhook-id` header (Standard Webhooks), the same on every attempt: what a receiver dedupes retries by. A string, so not named `*_id` (ids are integers)',
  })
  idempotency_key: string;
  @ApiProperty({ example: 'ticket.created' }) event_type: string;
  @ApiProperty({ type: Number, nullable: true }) ticket_id: number | null;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ type: Number, nullable: true, description: "The receiver's last HTTP status (null: no answer)" }) response_code: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'How long the last attempt took' }) duration_ms: number | null;
  @ApiProperty({ type: String, nullable: true }) last_error: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class WebhookDeliveryPageDto extends PageMetaDto {
  @ApiProperty({ type: [WebhookDeliveryResponseDto] }) items: WebhookDeliveryResponseDto[];
}

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.com/support' })
  @WebhookUrl()
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true, example: ['ticket.created', 'message.created'] })
  @Events()
  events: WebhookEventType[];

  @ApiPropertyOptional({ default: true })
  @OptionalNotNull()
  @IsBoolean()
  active?: boolean;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ example: 'https://hooks.example.com/support' })
  @OptionalNotNull()
  @WebhookUrl()
  url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  @OptionalNotNull()
  @Events()
  events?: WebhookEventType[];

  @ApiPropertyOptional({ description: 'true turns an endpoint on again and forgets its failures' })
  @OptionalNotNull()
  @IsBoolean()
  active?: boolean;
}

export function toWebhookResponse(row: EndpointRow): WebhookResponseDto {
  return {
    id: row.id,
    url: row.url,
    events: row.events as WebhookEventType[],
    active: row.active,
    consecutive_failures: row.consecutive_failures,
    disabled_at: row.disabled_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export function toDeliveryResponse(row: DeliveryRow): WebhookDeliveryResponseDto {
  return {
    id: Number(row.id),
    idempotency_key: row.webhook_id,
    event_type: row.event_type,
    ticket_id: row.ticket_id,
    status: row.status,
    attempts: row.attempts,
    response_code: row.response_code,
    duration_ms: row.duration_ms,
    last_error: row.last_error,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
