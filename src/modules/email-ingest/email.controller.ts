import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '#src/common/auth/auth.decorators.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import { AppConfig } from '#src/config/app-config.js';
import { EmailStatusDto, toEmailStatus } from '#src/modules/email-ingest/dto/email-status.dto.js';
import { EmailIngestRepository } from '#src/modules/email-ingest/email-ingest.repository.js';
import { EmailIngestService } from '#src/modules/email-ingest/email-ingest.service.js';

const RFC822 = { 'message/rfc822': { schema: { type: 'string', format: 'binary' } } } as const;

@ApiTags('email')
@ApiBearerAuth()
@Controller('email')
export class EmailController {
  constructor(
    private readonly ingest: EmailIngestService,
    private readonly repo: EmailIngestRepository,
    private readonly config: AppConfig,
  ) {}

  @Get('status')
  @Roles('admin')
  @ApiOperation({ summary: 'Mailbox polling: last poll and its result, mails ingested / skipped / failed, the server\'s count beside ours (admin)' })
  @ApiOkResponse({ type: EmailStatusDto })
  @ApiErrors(401, 403)
  async status(): Promise<EmailStatusDto> {
    return toEmailStatus({ enabled: this.ingest.enabled && this.config.cronEnabled, pollSeconds: this.config.imap.pollSeconds }, await this.repo.status());
  }

  @Get('source/ticket/:id')
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'The original mail a ticket was opened from, as received (agents)' })
  @ApiOkResponse({ description: 'The raw mail', content: RFC822 })
  @ApiErrors(401, 403, 404, 422)
  ticketSource(@IdParam() id: number, @Res() res: Response): Promise<void> {
    return this.sendSource('ticket', id, res);
  }

  @Get('source/message/:id')
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'The original mail a message came from, as received, quoted history included (agents)' })
  @ApiOkResponse({ description: 'The raw mail', content: RFC822 })
  @ApiErrors(401, 403, 404, 422)
  messageSource(@IdParam() id: number, @Res() res: Response): Promise<void> {
    return this.sendSource('message', id, res);
  }

  private async sendSource(kind: 'ticket' | 'message', id: number, res: Response): Promise<void> {
    const source = await this.repo.rawSource(kind, id);
    if (!source) throw new AppError(ErrorCode.NOT_FOUND, `No mail is kept for this ${kind}`);
    res
      .status(200)
      .set({
        'Content-Type': 'message/rfc822',
        'Content-Disposition': `attachment; filename="${kind}-${id}.eml"`,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'private, no-cache',
      })
      .send(source.raw);
  }
}
