import { createHmac } from 'node:crypto';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const HMAC_HASH: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/**
 * Hand-made JWTs, for tokens the service must refuse (alg none, expired, forged, HS512). The
 * signature is an HMAC with the header's algorithm (HS256 unless it names HS384 or HS512).
 */
export function handMadeJwt(payload: object, secret: string | null, header: { alg: string; typ?: string } = { alg: 'HS256', typ: 'JWT' }): string {
  const unsigned = `${b64(header)}.${b64(payload)}`;
  const signature = secret === null ? '' : createHmac(HMAC_HASH[header.alg] ?? 'sha256', secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

export function decodeJwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}
