import { ApiProperty } from '@nestjs/swagger';
import type { HealthCheckResult } from '@nestjs/terminus';

const INDICATORS = {
  type: 'object' as const,
  additionalProperties: {
    type: 'object' as const,
    properties: {
      status: { type: 'string' as const, enum: ['up', 'down'] },
      response_time: { type: 'integer' as const, description: 'Milliseconds the check took' },
    },
    required: ['status'],
  },
  example: { database: { status: 'up', response_time: 2 } },
};

/** The body of a passing health check: @nestjs/terminus's result with snake_case keys (toHealthResponse). */
export class HealthResponseDto {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
  @ApiProperty({ ...INDICATORS, description: 'The checks that passed, by name' }) info: Record<string, Record<string, unknown>>;
  @ApiProperty({ ...INDICATORS, description: 'The checks that failed (none on a 200)', example: {} }) error: Record<string, Record<string, unknown>>;
  @ApiProperty({ ...INDICATORS, description: 'Every check, by name' }) details: Record<string, Record<string, unknown>>;
}

const snakeCase = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** Every object key in `value` in snake_case, at any depth (terminus writes `responseTime`). */
function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [snakeCase(key), snakeCaseKeys(inner)]));
}

/**
 * Terminus's result in the contract's snake_case. Its keys are terminus's (status, info, error,
 * details, responseTime) and ours (the check names), so mapping them all is safe and covers what a
 * terminus upgrade adds.
 */
export function toHealthResponse(result: HealthCheckResult): HealthResponseDto {
  return snakeCaseKeys(result) as HealthResponseDto;
}
