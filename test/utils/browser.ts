import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium } from 'playwright-core';

/** Debian's Chromium (.ci/run installs it); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Headless, no sandbox (root in CI), nothing that talks to the network on its own. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Where a failing browser test leaves a screenshot of every page it had open (ignored by git). */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-artifacts', 'screenshots');

export interface BrowserSession {
  /** A fresh browser context (its own storage: one person) that `run` screenshots on failure. */
  context(options?: BrowserContextOptions): Promise<BrowserContext>;
  /**
   * A test body: on failure, a screenshot of every open page of the contexts it made goes to
   * test-artifacts/screenshots/ before the error is rethrown; its contexts close either way. A
   * script error or a CSP violation on a page fails it too.
   */
  run(name: string, body: () => Promise<void>): () => Promise<void>;
}

/**
 * One Chromium for the whole test file (launched in beforeAll, closed in afterAll). Call at the
 * top of a describe block.
 */
export function useBrowser(): BrowserSession {
  let browser: Browser | undefined;
  let contexts: BrowserContext[] = [];
  let problems: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  return {
    async context(options = {}) {
      const context = await browser!.newContext({ locale: 'en-US', ...options });
      contexts.push(context);
      // A script error or a Content-Security-Policy violation on any page fails the test.
      context.on('weberror', (error) => problems.push(`${error.page()?.url()}: ${error.error().message}`));
      context.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`${message.page()?.url()}: ${message.text()}`);
      });
      return context;
    },
    run(name, body) {
      return async () => {
        problems = [];
        try {
          await body();
          if (problems.length) throw new Error(`the pages reported:\n${problems.join('\n')}`);
        } catch (error) {
          await screenshots(name, contexts);
          throw error;
        } finally {
          await Promise.all(contexts.map((context) => context.close().catch(() => undefined)));
          contexts = [];
        }
      };
    },
  };
}

async function screenshots(name: string, contexts: BrowserContext[]): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const slug = name.replace(/[^\w-]+/g, '-').slice(0, 80);
  let n = 0;
  for (const context of contexts) {
    for (const page of context.pages()) {
      n += 1;
      const path = join(SCREENSHOT_DIR, `${slug}-${n}.png`);
      await page.screenshot({ path, fullPage: true }).catch(() => undefined);
      process.stderr.write(`screenshot of ${page.url()}: ${path}\n`);
    }
  }
}

/**
 * The page at /own-io of the embedding site: a site with a Socket.IO client of its own in `window.io`,
 * which notes its globals before the widget's tag (`window.globalsBefore`).
 */
export const OWN_IO_PATH = '/own-io';
const OWN_IO_SCRIPT = `<script>window.io = Object.assign(function siteIo() { return 'the site'; }, { owner: 'the site' });
window.globalsBefore = Object.getOwnPropertyNames(window);</script>`;

/** A page of another site (another loopback origin) that embeds the widget with one script tag. */
export async function startEmbeddingSite(): Promise<{ origin: string; setService(baseUrl: string): void; close(): Promise<void> }> {
  let service = '';
  const server: Server = createServer((req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Another site</title></head>
<body><h1>Another site</h1>${req.url === OWN_IO_PATH ? OWN_IO_SCRIPT : ''}<script src="${service}/widget.js"></script></body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    setService: (baseUrl) => (service = baseUrl),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
