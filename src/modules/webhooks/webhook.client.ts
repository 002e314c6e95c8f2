import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isForbiddenAddress } from '#src/modules/webhooks/domain/address-policy.js';

/** A refused destination: the address is one webhooks may not reach (see domain/address-policy). */
export class ForbiddenDestinationError extends Error {
  readonly code = 'EWEBHOOKFORBIDDEN';
}

/** The URL's host without IPv6 brackets. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Every address `host` resolves to (an IP literal is its own). */
export async function resolveAll(host: string): Promise<LookupAddress[]> {
  const family = isIP(host);
  if (family !== 0) return [{ address: host, family }];
  return new Promise((resolve, reject) => dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));
}

/** The first address of `host` a webhook may not reach, or null when all are allowed. */
export async function forbiddenAddressOf(url: URL): Promise<string | null> {
  const found = (await resolveAll(hostOf(url))).find((a) => isForbiddenAddress(a.address));
  return found?.address ?? null;
}

/**
 * A `lookup` for the socket that resolves once, refuses when any address is forbidden, and hands the
 * socket exactly the addresses it checked: a name whose DNS answer changes between a check and the
 * connect (rebinding) cannot slip through.
 */
function guardedLookup(): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, found) => {
      if (error) return callback(error, '', 0);
      const addresses = options.family ? found.filter((a) => a.family === options.family) : found;
      const refused = found.find((a) => isForbiddenAddress(a.address));
      if (refused) return callback(new ForbiddenDestinationError(`${hostname} resolves to ${refused.address}, which webhooks may not reach`), '', 0);
      if (addresses.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** False: refuse forbidden addresses (an IP literal before connecting, a name at its lookup). */
  allowPrivate: boolean;
}

/**
 * POSTs `body` to `url` once and answers the status code; a redirect is not followed (its status is
 * the answer). Throws on a refused destination, a network error, or no full answer within `timeoutMs`.
 */
export async function postOnce(url: URL, body: string, options: PostOptions): Promise<number> {
  const literal = isIP(hostOf(url)) !== 0;
  if (!options.allowPrivate && literal && isForbiddenAddress(hostOf(url))) {
    throw new ForbiddenDestinationError(`${hostOf(url)} is an address webhooks may not reach`);
  }
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...options.headers },
      agent: false,
      signal: AbortSignal.timeout(options.timeoutMs),
      ...(!options.allowPrivate && !literal && { lookup: guardedLookup() }),
    });
    req.on('error', (error: Error) => reject(error.name === 'AbortError' || error.name === 'TimeoutError' ? new Error(`No answer within ${options.timeoutMs} ms`) : error));
    req.on('response', (res: IncomingMessage) => {
      // The answer's body is not kept: read it to the end (bounded by the same timeout) and drop it.
      res.on('error', reject);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.resume();
    });
    req.end(body);
  });
}
