import { ApiProperty } from '@nestjs/swagger';

const INDICATORS = {
  type: 'object' as const,
  additionalProperties: {
    type: 'object' as const,
    properties: { status: { type: 'string' as const, enum: ['up', 'down'] } },
    required: ['status'],
  },
  example: { database: { status: 'up' } },
};

/** Swagger only: the body of a passing health check, as @nestjs/terminus writes it. */
export class HealthResponseDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
  @ApiProperty({ ...INDICATORS, description: 'The checks that passed, by name' }) info: Record<string, { status: string }>;
  @ApiProperty({ ...INDICATORS, description: 'The checks that failed (none on a 200)', example: {} }) error: Record<string, { status: string }>;
  @ApiProperty({ ...INDICATORS, description: 'Every check, by name' }) details: Record<string, { status: string }>;
}
