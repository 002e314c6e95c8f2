import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '#src/common/auth/auth.decorators.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { PaginationQueryDto } from '#src/common/pagination/pagination.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import {
  CreatedWebhookResponseDto,
  CreateWebhookDto,
  UpdateWebhookDto,
  WebhookDeliveryPageDto,
  WebhookDeliveryResponseDto,
  WebhookPageDto,
  WebhookResponseDto,
} from '#src/modules/webhooks/dto/webhook.dto.js';
import { WebhooksService } from '#src/modules/webhooks/webhooks.service.js';

@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('admin')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOperation({ summary: 'The webhook endpoints (admin)' })
  @ApiOkResponse({ type: WebhookPageDto })
  @ApiErrors(401, 403, 422)
  list(@Query() query: PaginationQueryDto): Promise<WebhookPageDto> {
    return this.webhooks.list(query);
  }

  @Post()
  @ApiOperation({ summary: 'Register an endpoint (admin); the answer carries its signing secret, shown this once' })
  @ApiCreatedResponse({ type: CreatedWebhookResponseDto })
  @ApiErrors(401, 403, 422)
  create(@Body() dto: CreateWebhookDto): Promise<CreatedWebhookResponseDto> {
    return this.webhooks.create(dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One endpoint (admin)' })
  @ApiOkResponse({ type: WebhookResponseDto })
  @ApiErrors(401, 403, 404, 422)
  get(@IdParam() id: number): Promise<WebhookResponseDto> {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an endpoint’s URL, events or active flag (admin); active: true forgets its failures' })
  @ApiOkResponse({ type: WebhookResponseDto })
  @ApiErrors(401, 403, 404, 422)
  update(@IdParam() id: number, @Body() dto: UpdateWebhookDto): Promise<WebhookResponseDto> {
    return this.webhooks.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an endpoint and its delivery log (admin)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(401, 403, 404, 422)
  delete(@IdParam() id: number): Promise<void> {
    return this.webhooks.delete(id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'The endpoint’s delivery log, newest first (admin)' })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  @ApiErrors(401, 403, 404, 422)
  deliveries(@IdParam() id: number, @Query() query: PaginationQueryDto): Promise<WebhookDeliveryPageDto> {
    return this.webhooks.listDeliveries(id, query);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send the endpoint a `webhook.test` event (admin); it goes out like any delivery' })
  @ApiAcceptedResponse({ type: WebhookDeliveryResponseDto })
  @ApiErrors(401, 403, 404, 422)
  test(@IdParam() id: number): Promise<WebhookDeliveryResponseDto> {
    return this.webhooks.test(id);
  }
}
