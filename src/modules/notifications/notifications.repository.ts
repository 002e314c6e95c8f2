import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
// Presence is the chat module's (PresenceService writes it); the staleness rule is defined beside
// automatic assignment, its first reader. Read here without importing chat, which builds on tickets.
import { PRESENCE_STALE_SECONDS } from '#src/modules/tickets/tickets.repository.js';

@Injectable()
export class NotificationsRepository {
  /** Whether the user holds a chat connection (Socket.IO or plain WebSocket) on any live instance. */
  async isOnline(manager: EntityManager, userId: number): Promise<boolean> {
    const [row] = (await manager.query(
      `SELECT EXISTS (SELECT 1 FROM agent_presence
                       WHERE user_id = $1 AND connections > 0 AND seen_at > now() - make_interval(secs => $2)) AS online`,
      [userId, PRESENCE_STALE_SECONDS],
    )) as { online: boolean }[];
    return row.online;
  }
}
