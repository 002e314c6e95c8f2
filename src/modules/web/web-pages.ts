import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextFunction, Request, Response } from 'express';

/**
 * The reference clients built on the public API: the agent console (/console), the customer chat
 * widget (/widget.js) and its demo page (/widget-demo). Plain files from ./public, served by the
 * service itself; no build step. Scripts and styles go out under content-hashed names
 * (/assets/console.3f9a0c1b2d.js) with a year's immutable cache; the pages and the widget's loader,
 * whose addresses others embed, are revalidated on every load. Not part of the API: plain Express
 * handlers, so they stay out of the OpenAPI document, the global prefix and the API's guards.
 */

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

/** What the pages may load: our own scripts and styles, our own API and socket, images we made (blob: downloads). */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The widget loader is embedded by address on other sites: a short cache, so a release reaches them soon. */
const LOADER_CACHE = 'public, max-age=300';

interface Asset {
  body: Buffer;
  type: string;
}

/** `name.ext` → `name.<10 hex of its SHA-256>.ext`. */
export function hashedName(name: string, body: Buffer | string): string {
  const ext = extname(name);
  return `${name.slice(0, -ext.length)}.${createHash('sha256').update(body).digest('hex').slice(0, 10)}${ext}`;
}

/** Replaces each `{{asset:name}}` with the hashed address of that asset; an unknown name is a start-up error. */
export function linkAssets(template: string, urls: ReadonlyMap<string, string>): string {
  return template.replace(/\{\{asset:([\w.-]+)\}\}/g, (_, name: string) => {
    const url = urls.get(name);
    if (!url) throw new Error(`web page refers to an unknown asset ${name}`);
    return url;
  });
}

/**
 * A browser build of socket.io-client (the service does not serve /socket.io/socket.io.js), without
 * its source-map line: `socket.io.min.js` (a classic script that sets `window.io`, for the console's
 * own page) or `socket.io.esm.min.js` (an ES module, for the widget on other sites' pages).
 */
function socketIoClient(build: 'socket.io.min.js' | 'socket.io.esm.min.js'): string {
  const pkg = createRequire(import.meta.url).resolve('socket.io-client/package.json');
  return readFileSync(join(dirname(pkg), 'dist', build), 'utf8').replace(/\n?\/\/# sourceMappingURL=.*$/m, '\n');
}

export class WebPages {
  private readonly assets = new Map<string, Asset>();
  private readonly pages = new Map<string, { body: Buffer; type: string; cache: string; csp: boolean }>();

  constructor(dir = fileURLToPath(new URL('./public/', import.meta.url))) {
    const sources = new Map<string, string>([
      ['socket.io.js', socketIoClient('socket.io.min.js')],
      ['socket.io.esm.js', socketIoClient('socket.io.esm.min.js')],
    ]);
    for (const name of readdirSync(dir)) sources.set(name, readFileSync(join(dir, name), 'utf8'));
    const urls = new Map<string, string>();
    // Scripts and styles first (they refer to no other asset), then the pages and the loader that link them.
    for (const [name, text] of sources) {
      if (name.endsWith('.html') || name === 'widget.js') continue;
      const file = hashedName(name, text);
      urls.set(name, `/assets/${file}`);
      this.assets.set(file, { body: Buffer.from(text), type: TYPES[extname(name)] });
    }
    const page = (name: string, cache: string, csp: boolean) => ({
      body: Buffer.from(linkAssets(sources.get(name) ?? '', urls)),
      type: TYPES[extname(name)],
      cache,
      csp,
    });
    this.pages.set('/console', page('console.html', 'no-cache', true));
    this.pages.set('/widget-demo', page('widget-demo.html', 'no-cache', true));
    this.pages.set('/widget.js', page('widget.js', LOADER_CACHE, false));
  }

  /** The Express handler: answers GET/HEAD for the pages and /assets/*, passes everything else on. */
  readonly handler = (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = req.path;
    const page = this.pages.get(path);
    if (page) {
      if (page.csp) res.setHeader('Content-Security-Policy', PAGE_CSP);
      this.send(res, page.body, page.type, page.cache);
      return;
    }
    if (path.startsWith('/assets/')) {
      const asset = this.assets.get(path.slice('/assets/'.length));
      if (asset) {
        this.send(res, asset.body, asset.type, IMMUTABLE);
        return;
      }
    }
    next();
  };

  private send(res: Response, body: Buffer, type: string, cache: string): void {
    res.setHeader('Content-Type', type);
    res.setHeader('Cache-Control', cache);
    res.setHeader('Content-Length', body.length);
    // The widget's scripts load into other sites' pages (helmet's default here is same-origin).
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }
}
