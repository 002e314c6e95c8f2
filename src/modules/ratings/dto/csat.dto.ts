import { ApiProperty } from '@nestjs/swagger';

export class CsatFiguresDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Mean score (1–5) of the ratings, two decimals; null without ratings' }) average: number | null;
  @ApiProperty({ description: 'Ratings of the resolutions in the window' }) responses: number;
  @ApiProperty({ description: 'Resolutions in the window (resolving, or closing a ticket that was not resolved); a ticket resolved twice counts twice' })
  resolved: number;
  @ApiProperty({ type: Number, nullable: true, description: 'responses / resolved, three decimals; null without resolutions' }) response_rate: number | null;
}

export class CsatByAgentDto extends CsatFiguresDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Ratings: the agent the ticket had when rated; resolutions: the ticket’s agent now. null: none' })
  agent_id: number | null;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
}

export class CsatByQueueDto extends CsatFiguresDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Ratings: the ticket’s queue when rated; resolutions: its queue now' }) queue_id: number | null;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
}

export class CsatStatsDto extends CsatFiguresDto {
  @ApiProperty({ type: [CsatByAgentDto] }) by_agent: CsatByAgentDto[];
  @ApiProperty({ type: [CsatByQueueDto] }) by_queue: CsatByQueueDto[];
}
