import { ApiProperty } from '@nestjs/swagger';
import { PageMetaDto } from '#src/common/pagination/pagination.js';

export class OnlineAgentDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'Alex Agent' }) name: string;
  @ApiProperty({ enum: ['agent', 'admin'] }) role: 'agent' | 'admin';
}

export class OnlineAgentPageDto extends PageMetaDto {
  @ApiProperty({ type: [OnlineAgentDto], description: 'Active agents and admins with an open chat connection (the console open), by id' })
  items: OnlineAgentDto[];
}

/** `agent:presence` to the agents' room: an agent or admin came online (its first connection) or went offline (its last, on every instance). */
export interface AgentPresenceEvent {
  user_id: number;
  name: string;
  online: boolean;
}
