import { pipeline } from 'node:stream/promises';
import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles } from '#src/common/auth/auth.decorators.js';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import { CustomerExportDto, ExportTicketsQueryDto } from '#src/modules/export/dto/export.dto.js';
import { ExportService } from '#src/modules/export/export.service.js';

@ApiTags('export')
@ApiBearerAuth()
@Controller('exports')
export class ExportController {
  private readonly logger = new Logger(ExportController.name);

  constructor(private readonly exports: ExportService) {}

  @Get('tickets')
  @Roles('admin')
  @ApiOperation({ summary: 'Every ticket the list’s filters match, as CSV or JSON lines, streamed (admin)' })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({ description: 'The file, as an attachment', schema: { type: 'string' } })
  @ApiErrors(401, 403, 422)
  async tickets(@CurrentUser() user: AuthUser, @Query() query: ExportTicketsQueryDto, @Res() res: Response): Promise<void> {
    const file = await this.exports.tickets(user, query);
    res.status(200);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    try {
      await pipeline(file.stream, res);
    } catch (error) {
      // Headers are gone: a failure now can only cut the transfer short (the client sees no clean end).
      if (!res.destroyed) res.destroy();
      this.logger.warn({ err: (error as Error).message }, 'Ticket export ended early');
    }
  }

  @Get('users/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'One customer’s data as one JSON document: profile, tickets, messages, attachment metadata, ratings (admin)' })
  @ApiOkResponse({ type: CustomerExportDto })
  @ApiErrors(401, 403, 404, 422)
  customer(@CurrentUser() user: AuthUser, @IdParam() id: number): Promise<CustomerExportDto> {
    return this.exports.customer(user, id);
  }
}
