import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '#src/common/clock.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { DEFAULT_LIMIT, decodeCursor, type Page, type PaginationQueryDto, toPage } from '#src/common/pagination/pagination.js';
import { AppConfig } from '#src/config/app-config.js';
import {
  type CreatedWebhookResponseDto,
  type CreateWebhookDto,
  toDeliveryResponse,
  toWebhookResponse,
  type UpdateWebhookDto,
  type WebhookDeliveryResponseDto,
  type WebhookResponseDto,
} from '#src/modules/webhooks/dto/webhook.dto.js';
import { WebhookDeliveryService } from '#src/modules/webhooks/webhook-delivery.service.js';
import { forbiddenAddressOf } from '#src/modules/webhooks/webhook.client.js';
import { type EndpointRow, WebhooksRepository } from '#src/modules/webhooks/webhooks.repository.js';

const notFound = () => new AppError(ErrorCode.NOT_FOUND, 'Webhook not found');
const badUrl = (problem: string) => new AppError(ErrorCode.VALIDATION_FAILED, problem, [{ field: 'url', problems: [problem] }]);

/** Webhook endpoints (admins): register, change, remove, read the delivery log, send a test event. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: WebhooksRepository,
    private readonly deliveries: WebhookDeliveryService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Registers an endpoint; the answer carries its signing secret, which no later answer shows. */
  async create(dto: CreateWebhookDto): Promise<CreatedWebhookResponseDto> {
    await this.checkDestination(dto.url);
    // Standard Webhooks secrets: whsec_ and base64 of random bytes (32: an HMAC-SHA256 key's size).
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const row = await this.repository.create({ url: dto.url, events: [...new Set(dto.events)], active: dto.active ?? true, secret });
    await this.deliveries.refreshSubscriptions();
    return { ...toWebhookResponse(row), secret };
  }

  async list(query: PaginationQueryDto): Promise<Page<WebhookResponseDto>> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : undefined;
    return toPage(await this.repository.list(afterId, limit), limit, toWebhookResponse, (row) => [row.id]);
  }

  async get(id: number): Promise<WebhookResponseDto> {
    return toWebhookResponse(await this.find(id));
  }

  async update(id: number, dto: UpdateWebhookDto): Promise<WebhookResponseDto> {
    await this.find(id);
    if (dto.url !== undefined) await this.checkDestination(dto.url);
    const row = await this.repository.update(id, { url: dto.url, events: dto.events && [...new Set(dto.events)], active: dto.active }, this.clock.now());
    if (!row) throw notFound();
    await this.deliveries.refreshSubscriptions();
    return toWebhookResponse(row);
  }

  /** Removes an endpoint with its delivery log; deliveries not yet sent are dropped. */
  async delete(id: number): Promise<void> {
    if (!(await this.repository.delete(id))) throw notFound();
    await this.deliveries.refreshSubscriptions();
  }

  /** Newest first. */
  async listDeliveries(id: number, query: PaginationQueryDto): Promise<Page<WebhookDeliveryResponseDto>> {
    await this.find(id);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const beforeId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : undefined;
    return toPage(await this.repository.listDeliveries(id, beforeId, limit), limit, toDeliveryResponse, (row) => [Number(row.id)]);
  }

  /** Queues a `webhook.test` event to the endpoint (also an inactive one); the delivery as queued. */
  async test(id: number): Promise<WebhookDeliveryResponseDto> {
    await this.find(id);
    const deliveryId = await this.dataSource.transaction((manager) => this.deliveries.queueTest(manager, id));
    return toDeliveryResponse((await this.repository.findToSend(deliveryId))!);
  }

  private async find(id: number): Promise<EndpointRow> {
    const row = await this.repository.findById(id);
    if (!row) throw notFound();
    return row;
  }

  /**
   * Unless WEBHOOK_ALLOW_PRIVATE, the URL's host must resolve, and only to addresses webhooks may
   * reach (checked again at every delivery, on the addresses the connection uses).
   */
  private async checkDestination(url: string): Promise<void> {
    if (this.config.webhooks.allowPrivate) return;
    let forbidden: string | null;
    try {
      forbidden = await forbiddenAddressOf(new URL(url));
    } catch {
      throw badUrl("url's host does not resolve");
    }
    if (forbidden !== null) {
      throw badUrl(`url points to ${forbidden}, a loopback, private, link-local or reserved address that webhooks may not reach`);
    }
  }
}
