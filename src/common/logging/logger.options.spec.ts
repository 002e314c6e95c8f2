import { QueryFailedError } from 'typeorm';
import { prettyLogs, serializeError } from '#src/common/logging/logger.options.js';

describe('serializeError', () => {
  it('keeps the SQL and SQLSTATE of a failed query but none of the caller data', () => {
    const driverError = Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
      code: '23505',
      detail: 'Key (email)=(casey@example.com) already exists.',
    });
    const error = new QueryFailedError('INSERT INTO users (email, password_hash) VALUES ($1, $2)', ['casey@example.com', '$argon2id$v=19$secret'], driverError);
    const logged = serializeError(error) as Record<string, unknown>;
    const text = JSON.stringify(logged);
    expect(logged).toMatchObject({ type: 'QueryFailedError', code: '23505', query: 'INSERT INTO users (email, password_hash) VALUES ($1, $2)' });
    expect(text).not.toContain('casey@example.com');
    expect(text).not.toContain('argon2id');
  });

  it('passes other errors through pino standard serialiser', () => {
    expect(serializeError(new TypeError('boom'))).toMatchObject({ type: 'TypeError', message: 'boom' });
    expect(serializeError('not an error')).toBe('not an error');
  });
});

describe('prettyLogs', () => {
  it.each([
    [true, 'development', true],
    [true, 'test', true],
    [true, 'production', false],
    [false, 'development', false],
    [undefined, 'development', false],
    [undefined, 'production', false],
  ] as const)('stdout a TTY: %s, NODE_ENV %s -> pretty: %s', (isTTY, nodeEnv, expected) => {
    expect(prettyLogs(isTTY, nodeEnv)).toBe(expected);
  });
});
