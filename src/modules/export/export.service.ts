import { pipeline, type Readable, Transform } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { Clock } from '#src/common/clock.js';
import { toAttachmentResponse } from '#src/modules/attachments/dto/attachment.dto.js';
import { CustomFieldsService } from '#src/modules/custom-fields/custom-fields.service.js';
import { ExportRepository } from '#src/modules/export/export.repository.js';
import { type CsvValue, csvLine } from '#src/modules/export/domain/csv.js';
import type { CustomerExportDto, ExportFormat, ExportTicketsQueryDto } from '#src/modules/export/dto/export.dto.js';
import { toMessageResponse } from '#src/modules/messages/dto/message.dto.js';
import type { TicketResponseDto } from '#src/modules/tickets/dto/ticket.dto.js';
import { RatingsService } from '#src/modules/ratings/ratings.service.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';
import { UsersService } from '#src/modules/users/users.service.js';

/** The CSV's ticket columns, in order; custom fields follow as `custom_fields.<key>`. */
const TICKET_COLUMNS = [
  'id',
  'title',
  'description',
  'status',
  'priority',
  'category',
  'queue_id',
  'client_id',
  'agent_id',
  'source',
  'frt_deadline',
  'ttr_deadline',
  'first_response_at',
  'resolved_at',
  'closed_at',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof TicketResponseDto)[];

export interface TicketExport {
  /** Encoded text (with backpressure), ready to pipe to the response. */
  stream: Readable;
  contentType: string;
  filename: string;
}

/** Turns ticket responses into CSV lines (a header first) or JSON lines. */
function encoder(format: ExportFormat, customKeys: readonly string[]): Transform {
  let header = format === 'csv' ? csvLine([...TICKET_COLUMNS, 'sla_frt_state', 'sla_ttr_state', ...customKeys.map((key) => `custom_fields.${key}`)]) : '';
  return new Transform({
    writableObjectMode: true,
    transform(ticket: TicketResponseDto, _encoding, done) {
      let line: string;
      if (format === 'jsonl') {
        line = `${JSON.stringify(ticket)}\n`;
      } else {
        const cells: CsvValue[] = TICKET_COLUMNS.map((column) => ticket[column]);
        cells.push(ticket.sla.frt.state, ticket.sla.ttr.state, ...customKeys.map((key) => ticket.custom_fields[key]));
        line = header + csvLine(cells);
        header = '';
      }
      done(null, line);
    },
    flush(done) {
      done(null, header || null); // an export with no tickets is still a header
    },
  });
}

@Injectable()
export class ExportService {
  constructor(
    private readonly ticketsService: TicketsService,
    private readonly users: UsersService,
    private readonly customFields: CustomFieldsService,
    private readonly repository: ExportRepository,
    private readonly ratings: RatingsService,
    private readonly clock: Clock,
  ) {}

  /** Every ticket the filters match, encoded as it streams from the database (nothing held in memory but a batch). */
  async tickets(actor: AuthUser, query: ExportTicketsQueryDto): Promise<TicketExport> {
    const format = query.format ?? 'csv';
    const { format: _format, ...filters } = query;
    const definitions = await this.customFields.definitions();
    const rows = await this.ticketsService.exportStream(actor, filters);
    const encode = encoder(format, definitions.map((d) => d.key));
    pipeline(rows, encode, () => undefined); // an error or an early end (the client left) destroys both, and so ends the query
    const day = this.clock.now().toISOString().slice(0, 10);
    return {
      stream: encode,
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      filename: `tickets-${day}.${format}`,
    };
  }

  /**
   * One user's data as one document: the profile, the tickets opened for them, the
   * customer-visible messages of those tickets, the attachments' metadata and the
   * ratings they gave. Internal notes are the agents' working papers, not the customer's data: left
   * out, and so are the values of agent-only custom fields.
   */
  async customer(actor: AuthUser, userId: number): Promise<CustomerExportDto> {
    const user = await this.users.get(userId);
    const tickets: TicketResponseDto[] = [];
    // As the customer sees them (no agent-only custom fields): like notes, internal fields are the agents' working papers.
    for await (const ticket of await this.ticketsService.exportStream(actor, { client_id: userId }, 'customer')) tickets.push(ticket as TicketResponseDto);
    const [messages, attachments, ratings] = await Promise.all([
      this.repository.messagesOf(userId),
      this.repository.attachmentsOf(userId),
      this.ratings.byClient(userId),
    ]);
    return {
      exported_at: this.clock.now().toISOString(),
      user,
      tickets,
      messages: messages.map(toMessageResponse),
      attachments: attachments.map(toAttachmentResponse),
      ratings,
    };
  }
}
