import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { DomainEventPublisher } from '#src/common/events/domain-event.publisher.js';
import { decodeCursor, type Page, toPage } from '#src/common/pagination/pagination.js';
import {
  type CreateUserDto,
  type ListUsersQueryDto,
  type UpdateUserDto,
  toUserResponse,
  type UserResponseDto,
} from '#src/modules/users/dto/user.dto.js';
import { PasswordHasher } from '#src/modules/users/password-hasher.js';
import type { UserEntity } from '#src/modules/users/user.entity.js';
import { UsersRepository } from '#src/modules/users/users.repository.js';
import type {} from '#src/modules/users/users.events.js'; // DomainEvents entries (types only)

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly dataSource: DataSource,
    private readonly events: DomainEventPublisher,
  ) {}

  async create(dto: CreateUserDto): Promise<UserResponseDto> {
    const user = await this.users.insert({
      email: dto.email,
      name: dto.name,
      role: dto.role,
      passwordHash: await this.hasher.hash(dto.password),
    });
    this.logger.log({ userId: user.id, role: user.role }, 'User created');
    if (isAvailableAgent(user)) this.events.publish('agent.available', { userId: user.id });
    return toUserResponse(user);
  }

  async list(query: ListUsersQueryDto): Promise<Page<UserResponseDto>> {
    const limit = query.limit ?? 20;
    const afterId = query.cursor ? (decodeCursor(query.cursor, ['int'])[0] as number) : undefined;
    const rows = await this.users.list({ role: query.role, isActive: query.is_active, q: query.q, afterId, limit });
    return toPage(rows, limit, toUserResponse, (u) => [u.id]);
  }

  async get(id: number): Promise<UserResponseDto> {
    return toUserResponse(await this.getEntity(id));
  }

  async getEntity(id: number): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user) throw new AppError(ErrorCode.NOT_FOUND, 'User not found');
    return user;
  }

  /** The customer behind an e-mail address, created as a contact (no password) when unknown. */
  async findOrCreateContact(email: string, name?: string, manager?: EntityManager): Promise<UserEntity> {
    const user = await this.users.findOrCreateContact(email, name?.trim().slice(0, 200) || email.split('@')[0] || email, manager);
    if (user.role !== 'client') {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'That e-mail belongs to a staff account, not a customer', [
        { field: 'client_email', problems: ['client_email must belong to a customer'] },
      ]);
    }
    return user;
  }

  /** The id of the user with this e-mail address, or null. */
  async findIdByEmail(email: string): Promise<number | null> {
    return (await this.users.findByEmail(email))?.id ?? null;
  }

  /** An active agent or admin, else BAD_REQUEST (the contract's answer for a bad assignee). */
  async requireActiveAgent(id: number): Promise<UserEntity> {
    const user = await this.users.findById(id);
    if (!user || !user.isActive || user.role === 'client') {
      throw new AppError(ErrorCode.BAD_REQUEST, 'agent_id must be an active agent', [{ field: 'agent_id', value: id }]);
    }
    return user;
  }

  /**
   * Changes a user. A new role, deactivation or a new password ends every token the user holds;
   * the last active admin cannot be demoted or deactivated.
   */
  async update(id: number, dto: UpdateUserDto): Promise<UserResponseDto> {
    const passwordHash = dto.password === undefined ? undefined : await this.hasher.hash(dto.password);
    const { user, endsSessions, becameAgent } = await this.dataSource.transaction(async (manager) => {
      const current = await this.users.findById(id, manager);
      if (!current) throw new AppError(ErrorCode.NOT_FOUND, 'User not found');
      const roleChanges = dto.role !== undefined && dto.role !== current.role;
      const deactivates = dto.is_active === false && current.isActive;
      if (current.role === 'admin' && current.isActive && (roleChanges || deactivates)) {
        const admins = await this.users.countActiveAdminsForUpdate(manager);
        if (admins <= 1) throw new AppError(ErrorCode.CONFLICT, 'The last active admin cannot be demoted or deactivated');
      }
      const endsSessions = roleChanges || deactivates || passwordHash !== undefined;
      await this.users.update(
        id,
        {
          ...(dto.name !== undefined && { name: dto.name }),
          ...(dto.role !== undefined && { role: dto.role }),
          ...(dto.is_active !== undefined && { isActive: dto.is_active }),
          ...(passwordHash !== undefined && { passwordHash }),
          bumpTokenVersion: endsSessions,
        },
        manager,
      );
      const updated = (await this.users.findById(id, manager))!;
      return { user: updated, endsSessions, becameAgent: isAvailableAgent(updated) && !isAvailableAgent(current) };
    });
    if (endsSessions) this.events.publish('user.sessions_ended', { userId: id });
    if (becameAgent) this.events.publish('agent.available', { userId: id });
    return toUserResponse(user);
  }
}

/**
 * Automatic assignment gives tickets to active agents, and to active admins only while they hold a
 * chat connection: an admin becomes available by connecting (ChatConnections.inRooms says so), not here.
 */
function isAvailableAgent(user: UserEntity): boolean {
  return user.role === 'agent' && user.isActive;
}
