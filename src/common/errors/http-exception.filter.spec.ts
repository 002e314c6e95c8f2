import { BadRequestException, HttpException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { AppError } from '#src/common/errors/app-error.js';
import { ErrorCode } from '#src/common/errors/error-code.js';
import { bearerChallenge, toAppError } from '#src/common/errors/http-exception.filter.js';

describe('toAppError', () => {
  it.each([
    ['an AppError as it is', new AppError(ErrorCode.CONFLICT, 'taken'), ErrorCode.CONFLICT, 'taken'],
    ['a route 404', new NotFoundException('Cannot GET /x'), ErrorCode.NOT_FOUND, 'Not found'],
    ['a 400', new BadRequestException('bad'), ErrorCode.BAD_REQUEST, 'bad'],
    ['a 503 from the health check', new ServiceUnavailableException({ status: 'error' }), ErrorCode.SERVICE_UNAVAILABLE, 'A dependency is unavailable'],
    ['an unknown 5xx HttpException', new HttpException('db password is hunter2', 502), ErrorCode.INTERNAL, 'Internal server error'],
    ['a plain Error with internals', new Error('relation "users" at /work/src/x.ts:10'), ErrorCode.INTERNAL, 'Internal server error'],
    ['a thrown string', 'boom', ErrorCode.INTERNAL, 'Internal server error'],
    ['malformed JSON from body-parser', Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed', status: 400 }), ErrorCode.MALFORMED_JSON, 'The request body is not valid JSON'],
    ['an oversize body', Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413 }), ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large'],
    ['a body-parser error wrapped by Nest', new BadRequestException('x', { cause: Object.assign(new Error('x'), { type: 'entity.parse.failed', status: 400 }) }), ErrorCode.MALFORMED_JSON, 'The request body is not valid JSON'],
    ['a PostgreSQL data exception (NUL in text)', new QueryFailedError('INSERT INTO t VALUES ($1)', ['a\u0000b'], Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' })), ErrorCode.VALIDATION_FAILED, 'A value in the request is not valid'],
    ['a PostgreSQL date out of range', new QueryFailedError('SELECT $1::timestamptz', ['2024-02-30'], Object.assign(new Error('date/time field value out of range'), { code: '22008' })), ErrorCode.VALIDATION_FAILED, 'A value in the request is not valid'],
    ['any other PostgreSQL error', new QueryFailedError('SELECT 1', [], Object.assign(new Error('relation "x" does not exist'), { code: '42P01' })), ErrorCode.INTERNAL, 'Internal server error'],
  ])('maps %s', (_, thrown, code, message) => {
    const error = toAppError(thrown);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
  });

  it('keeps only each dependency status from a failed health check', () => {
    const thrown = new ServiceUnavailableException({
      status: 'error',
      error: { database: { status: 'down', message: 'connect ECONNREFUSED 127.0.0.1:5432' } },
      details: { database: { status: 'down', message: 'connect ECONNREFUSED 127.0.0.1:5432' } },
    });
    expect(toAppError(thrown).details).toEqual([{ database: 'down' }]);
  });
});

describe('bearerChallenge', () => {
  it.each([
    ['no Authorization header', undefined, 'Bearer'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'Bearer'],
    ['a bearer token', 'Bearer abc.def.ghi', 'Bearer error="invalid_token"'],
    ['a bearer token in another letter case', 'bearer abc', 'Bearer error="invalid_token"'],
  ])('answers %s with the right challenge', (_, authorization, challenge) => {
    expect(bearerChallenge({ headers: { authorization } })).toBe(challenge);
  });
});
