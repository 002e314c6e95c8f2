import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';
import { ErrorCode } from '#src/common/errors/error-code.js';

export class ErrorResponseDto {
  @ApiProperty({ example: 422 }) status_code: number;
  @ApiProperty({ enum: ErrorCode, example: ErrorCode.VALIDATION_FAILED }) error: ErrorCode;
  @ApiProperty({ example: 'The request is not valid' }) message: string;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) details: unknown[];
  @ApiProperty({ description: 'Equals the X-Request-Id response header' }) request_id: string;
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request',
  401: 'Missing, invalid, expired or revoked token',
  403: 'The role may not do this',
  404: 'Not found (or not visible to the caller)',
  409: 'Conflicts with the current state',
  412: 'A condition (If-Match, If-Unmodified-Since) does not hold',
  413: 'Too large',
  415: 'Unsupported content type',
  416: 'The Range lies outside the file',
  422: 'Validation failed',
  429: 'Too many attempts; see Retry-After',
  503: 'A dependency (the database) is unavailable; details name it',
};

/** Documents the error responses of a route, all in the one error shape. */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponseDto })));
