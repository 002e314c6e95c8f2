import { Injectable } from '@nestjs/common';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { Clock } from '#src/common/clock.js';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { DEFAULT_LIMIT, invalidCursor, type Page, toPage } from '#src/common/pagination/pagination.js';
import { CannedResponsesRepository, type CannedResponseRecord } from '#src/modules/canned-responses/canned-responses.repository.js';
import { normaliseShortcut, renderPlaceholders, SHORTCUT_MAX, SHORTCUT_PATTERN } from '#src/modules/canned-responses/domain/placeholders.js';
import {
  type CannedResponseDto,
  type CreateCannedResponseDto,
  type ListCannedResponsesQueryDto,
  type RenderedCannedResponseDto,
  toCannedResponse,
  type UpdateCannedResponseDto,
} from '#src/modules/canned-responses/dto/canned-response.dto.js';
import { TicketsService } from '#src/modules/tickets/tickets.service.js';
import { customerNameFor } from '#src/modules/tickets/domain/ticket-access.js';
import { UsersRepository } from '#src/modules/users/users.repository.js';

const notFound = () => new AppError(ErrorCode.NOT_FOUND, 'Canned response not found');

/** Who may change or delete one: its owner; a shared one also an admin. (A personal one is seen by its owner only.) */
const mayEdit = (actor: AuthUser, row: CannedResponseRecord) => row.owner_id === actor.id || (row.shared && actor.role === 'admin');

/** The list's keyset cursor, opaque to clients: the last row's [id, shortcut] (the list runs in (shortcut, id) order); anything else is a 422. */
function decodeShortcutCursor(cursor: string): { shortcut: string; id: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalidCursor();
  const [id, shortcut] = parsed as unknown[];
  const validShortcut = typeof shortcut === 'string' && shortcut.length <= SHORTCUT_MAX && SHORTCUT_PATTERN.test(shortcut);
  if (!validShortcut || !Number.isInteger(id) || (id as number) < 1 || (id as number) > 2_147_483_647) throw invalidCursor();
  return { shortcut, id: id as number };
}

/**
 * Agents' saved replies (the controller admits agents and admins only). Personal ones are seen by
 * their owner alone (anyone else: 404, admins too); shared ones by every agent, changed by their
 * author or an admin (another agent: 403).
 */
@Injectable()
export class CannedResponsesService {
  constructor(
    private readonly canned: CannedResponsesRepository,
    private readonly tickets: TicketsService,
    private readonly users: UsersRepository,
    private readonly clock: Clock,
  ) {}

  async list(actor: AuthUser, query: ListCannedResponsesQueryDto): Promise<Page<CannedResponseDto>> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const rows = await this.canned.list(actor.id, {
      search: query.q ? { shortcutPrefix: normaliseShortcut(query.q), titleText: query.q } : undefined,
      after: query.cursor === undefined ? undefined : decodeShortcutCursor(query.cursor),
      limit,
    });
    return toPage(rows, limit, toCannedResponse, (r) => [r.id, r.shortcut]);
  }

  async get(actor: AuthUser, id: number): Promise<CannedResponseDto> {
    return toCannedResponse(await this.visible(actor, id));
  }

  async create(actor: AuthUser, dto: CreateCannedResponseDto): Promise<CannedResponseDto> {
    const fields = { shortcut: dto.shortcut, title: dto.title, content: dto.content, shared: dto.shared ?? false };
    return toCannedResponse(await this.canned.insert(actor.id, fields, this.clock.now()));
  }

  async update(actor: AuthUser, id: number, dto: UpdateCannedResponseDto): Promise<CannedResponseDto> {
    await this.editable(actor, id);
    const row = await this.canned.update(id, { shortcut: dto.shortcut, title: dto.title, content: dto.content, shared: dto.shared }, this.clock.now());
    if (!row) throw notFound();
    return toCannedResponse(row);
  }

  async delete(actor: AuthUser, id: number): Promise<void> {
    await this.editable(actor, id);
    if (!(await this.canned.delete(id))) throw notFound();
  }

  /**
   * The content with the ticket's values in its placeholders (customer.name: see customerNameFor; ticket.id,
   * ticket.title, and agent.name: the caller, who sends the reply); unknown ones as written.
   */
  async render(actor: AuthUser, id: number, ticketId: number): Promise<RenderedCannedResponseDto> {
    const row = await this.visible(actor, id);
    const ticket = await this.tickets.getVisible(actor, ticketId);
    const customer = await this.users.findById(ticket.clientId);
    return {
      content: renderPlaceholders(row.content, {
        // A visitor not proven is greeted by the name it gave: the address's stored name may be someone else's.
        'customer.name': customerNameFor(customer?.name ?? '', ticket.visitor),
        'ticket.id': String(ticket.id),
        'ticket.title': ticket.title,
        'agent.name': actor.name,
      }),
    };
  }

  private async visible(actor: AuthUser, id: number): Promise<CannedResponseRecord> {
    const row = await this.canned.findVisible(id, actor.id);
    if (!row) throw notFound();
    return row;
  }

  private async editable(actor: AuthUser, id: number): Promise<CannedResponseRecord> {
    const row = await this.visible(actor, id);
    if (!mayEdit(actor, row)) throw new AppError(ErrorCode.FORBIDDEN, 'Only the author of a shared canned response or an admin may change it');
    return row;
  }
}
