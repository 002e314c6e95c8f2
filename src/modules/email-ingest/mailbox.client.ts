import type Imap from 'imap';
import imaps from 'imap-simple';

/** Where a mailbox is and how to sign in (IMAP_* settings). */
export interface MailboxSettings {
  host: string;
  port: number;
  tls: boolean;
  user: string;
  password: string;
  mailbox: string;
  /** Every call (connect, open, search, fetch) gives up after this long, and the connection with it. */
  timeoutMs: number;
}

/** The folder as the server reports it when opened. */
export interface MailboxState {
  uidValidity: number;
  uidNext: number;
  /** How many mails the folder holds. */
  total: number;
}

export interface MailSize {
  uid: number;
  size: number;
  /** INTERNALDATE: when the server received the mail (or the date it was appended with). */
  arrivedAt: Date;
}

export interface FetchedMail {
  uid: number;
  /** The whole message as the server holds it, byte for byte. */
  raw: Buffer;
}

export class MailboxTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`IMAP ${what} took longer than ${ms} ms`);
  }
}

/**
 * The one place that speaks IMAP (through imap-simple, on node-imap), so the library can be
 * swapped. The folder is opened read-only (EXAMINE) and bodies are fetched with BODY.PEEK[], so
 * polling never sets or needs the \Seen flag: a mail someone already read is still taken.
 * Bodies come back as bytes (imap-simple's own search would decode them as UTF-8 text, which
 * breaks 8-bit mail in other charsets).
 */
export class MailboxClient {
  private constructor(
    private readonly connection: imaps.ImapSimple,
    private readonly settings: MailboxSettings,
  ) {}

  static async connect(settings: MailboxSettings): Promise<MailboxClient> {
    const connecting = imaps.connect({
      imap: {
        host: settings.host,
        port: settings.port,
        tls: settings.tls,
        user: settings.user,
        password: settings.password,
        authTimeout: settings.timeoutMs,
        connTimeout: settings.timeoutMs,
      },
    });
    // A connection that arrives after we gave up must not stay open.
    const connection = await withTimeout(connecting, settings.timeoutMs, 'connect', () => {
      void connecting.then((late) => late.imap.destroy()).catch(() => undefined);
    });
    // node-imap reports a dropped connection as an 'error' event; unheard, it would crash the process.
    connection.imap.on('error', () => undefined);
    return new MailboxClient(connection, settings);
  }

  private get imap(): Imap {
    return this.connection.imap;
  }

  /** Opens the folder read-only and says where it stands. */
  async open(): Promise<MailboxState> {
    const box = await this.call<Imap.Box>('open', (done) => this.imap.openBox(this.settings.mailbox, true, done));
    return { uidValidity: Number(box.uidvalidity), uidNext: Number(box.uidnext), total: box.messages.total };
  }

  /** UIDs above `lastUid`, ascending. (`N:*` names the last mail even when its UID is below N.) */
  async uidsAfter(lastUid: number): Promise<number[]> {
    const uids = await this.call<number[]>('search', (done) => this.imap.search([['UID', `${lastUid + 1}:*`]], done));
    return uids.filter((uid) => uid > lastUid).sort((a, b) => a - b);
  }

  /** UIDs of mail that arrived on or after `date` (IMAP compares whole days), ascending. */
  async uidsSince(date: Date): Promise<number[]> {
    const uids = await this.call<number[]>('search', (done) => this.imap.search([['SINCE', date]], done));
    return uids.sort((a, b) => a - b);
  }

  /** The sizes (RFC822.SIZE, so an oversized mail is never downloaded) and arrival times of these mails. */
  sizes(uids: number[]): Promise<MailSize[]> {
    if (uids.length === 0) return Promise.resolve([]);
    return this.fetchEach(uids, { size: true }, (uid, attributes) => ({ uid, size: attributes.size ?? 0, arrivedAt: new Date(attributes.date) }));
  }

  /** The raw source of these mails, read with BODY.PEEK[] (flags untouched). */
  async fetch(uids: number[]): Promise<FetchedMail[]> {
    if (uids.length === 0) return [];
    return this.fetchEach(uids, { bodies: '', markSeen: false }, (uid, _attributes, body) => ({ uid, raw: body }));
  }

  /** Logs out; a connection that does not answer is dropped. */
  async close(): Promise<void> {
    const ended = new Promise<void>((resolve) => this.imap.once('end', () => resolve()));
    this.connection.end();
    await withTimeout(ended, Math.min(this.settings.timeoutMs, 2000), 'logout').catch(() => this.imap.destroy());
  }

  private fetchEach<T>(
    uids: number[],
    options: Imap.FetchOptions,
    build: (uid: number, attributes: Imap.ImapMessageAttributes, body: Buffer) => T,
  ): Promise<T[]> {
    return this.call<T[]>('fetch', (done) => {
      const results: T[] = [];
      const fetch = this.imap.fetch(uids, options);
      fetch.on('message', (message) => {
        const chunks: Buffer[] = [];
        let attributes: Imap.ImapMessageAttributes | null = null;
        message.on('body', (stream) => stream.on('data', (chunk: Buffer) => chunks.push(chunk)));
        message.once('attributes', (attrs) => (attributes = attrs));
        message.once('end', () => {
          if (attributes) results.push(build(attributes.uid, attributes, Buffer.concat(chunks)));
        });
      });
      fetch.once('error', (error) => done(error, []));
      fetch.once('end', () => done(null, results.sort((a, b) => (a as { uid: number }).uid - (b as { uid: number }).uid)));
    });
  }

  /** Runs one node-imap call under the timeout; on timeout the connection is dropped. */
  private call<T>(what: string, start: (done: (error: Error | null, value: T) => void) => void): Promise<T> {
    const result = new Promise<T>((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));
    return withTimeout(result, this.settings.timeoutMs, what, () => this.imap.destroy());
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new MailboxTimeoutError(what, ms));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
