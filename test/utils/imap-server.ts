import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import imaps from 'imap-simple';
import hoodiecrow from 'hoodiecrow-imap';
import { findFreePort } from '#src/database/embedded-postgres.js';

const DOVECOT = '/usr/sbin/dovecot';

export const IMAP_USER = 'support@example.test';
export const IMAP_PASSWORD = 'imap-test-secret';

/**
 * A real IMAP server for the e-mail tests, on loopback: Dovecot from Debian (`.ci/run` installs
 * dovecot-imapd), run in the foreground as `nobody` with a throw-away config and maildir
 * (../shared/STACK.md); on a machine without it, or with IMAP_TEST_SERVER=hoodiecrow, the
 * in-memory IMAP server `hoodiecrow-imap` in this process, so `npm test` runs anywhere. Mail goes
 * in with IMAP APPEND, as another mail client would put it there.
 */
export class TestImapServer {
  private process: ChildProcess | null = null;
  private inMemory: { close(callback: () => void): void } | null = null;
  private appender: imaps.ImapSimple | null = null;
  readonly host = '127.0.0.1';

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** Which server `start` runs here. */
  static get kind(): 'dovecot' | 'hoodiecrow' {
    return existsSync(DOVECOT) && process.env.IMAP_TEST_SERVER !== 'hoodiecrow' ? 'dovecot' : 'hoodiecrow';
  }

  static async start(): Promise<TestImapServer> {
    const dir = await mkdtemp(join(tmpdir(), 'imap-'));
    const server = new TestImapServer(dir, await findFreePort());
    if (TestImapServer.kind === 'dovecot') {
      await server.writeConfig();
      await server.run();
    } else {
      await server.runInMemory();
    }
    return server;
  }

  /** The settings that point the service at this server. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      IMAP_HOST: this.host,
      IMAP_PORT: String(this.port),
      IMAP_TLS: 'false',
      IMAP_USER,
      IMAP_PASSWORD,
      IMAP_TIMEOUT_SECONDS: '5',
      ...extra,
    };
  }

  /** Puts a mail into the INBOX (IMAP APPEND), with flags such as `\\Seen`. */
  async append(raw: string | Buffer, flags: string[] = []): Promise<void> {
    this.appender ??= await imaps.connect({
      imap: { host: this.host, port: this.port, tls: false, user: IMAP_USER, password: IMAP_PASSWORD, authTimeout: 5000 },
    });
    await this.appender.append(raw, { mailbox: 'INBOX', flags });
  }

  /** The flags of every mail in the INBOX, by UID (to prove polling leaves them alone). */
  async flags(): Promise<Map<number, string[]>> {
    const connection = await imaps.connect({
      imap: { host: this.host, port: this.port, tls: false, user: IMAP_USER, password: IMAP_PASSWORD, authTimeout: 5000 },
    });
    try {
      await connection.openBox('INBOX');
      const messages = await connection.search(['ALL'], { bodies: [], markSeen: false });
      // \Recent is the server's note that this session is the first to see a mail: not a flag a client sets.
      return new Map(messages.map((m) => [m.attributes.uid, m.attributes.flags.filter((flag) => flag !== '\\Recent')]));
    } finally {
      connection.end();
    }
  }

  /** Stops the server, the mail with it: a new one is a new, empty mailbox. */
  async stop(): Promise<void> {
    this.appender?.end();
    this.appender = null;
    const inMemory = this.inMemory;
    this.inMemory = null;
    if (inMemory) await new Promise<void>((resolve) => inMemory.close(resolve));
    const child = this.process;
    this.process = null;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 3000)))]);
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private async runInMemory(): Promise<void> {
    const server = hoodiecrow({
      plugins: ['UIDPLUS', 'LITERALPLUS', 'AUTH-PLAIN'],
      users: { [IMAP_USER]: { password: IMAP_PASSWORD } },
      storage: { INBOX: { messages: [] } },
    });
    await new Promise<void>((resolve) => server.listen(this.port, this.host, resolve));
    this.inMemory = server;
  }

  private async writeConfig(): Promise<void> {
    const d = this.dir;
    for (const sub of ['run', 'state', 'mail']) await mkdir(join(d, sub));
    // Dovecot drops to `nobody`: everything it writes must be writable by that user.
    for (const path of [d, join(d, 'run'), join(d, 'state'), join(d, 'mail')]) await chmod(path, 0o777);
    await writeFile(join(d, 'users'), `${IMAP_USER}:{PLAIN}${IMAP_PASSWORD}\n`, { mode: 0o644 });
    await writeFile(
      join(d, 'dovecot.conf'),
      `protocols = imap
listen = 127.0.0.1
base_dir = ${d}/run
state_dir = ${d}/state
default_internal_user = nobody
default_internal_group = nogroup
default_login_user = nobody
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = /dev/stderr
mail_location = maildir:${d}/mail/%u
namespace inbox {
  inbox = yes
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${d}/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${d}/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${this.port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`,
      { mode: 0o644 },
    );
  }

  private async run(): Promise<void> {
    const asRoot = process.getuid?.() === 0;
    const [command, args] = asRoot
      ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', DOVECOT, '-F', '-c', join(this.dir, 'dovecot.conf')]]
      : [DOVECOT, ['-F', '-c', join(this.dir, 'dovecot.conf')]];
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
    this.process = child;
    const deadline = Date.now() + 10_000;
    while (!(await accepts(this.host, this.port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await this.stop();
        throw new Error(`Dovecot did not start on port ${this.port}:\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A mail as a client would send it: headers (CRLF) and a body. */
export function mail(fields: {
  from: string;
  to?: string;
  subject?: string;
  body?: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string;
  headers?: Record<string, string>;
  date?: Date;
}): string {
  const lines = [
    `From: ${fields.from}`,
    `To: ${fields.to ?? IMAP_USER}`,
    ...(fields.subject !== undefined ? [`Subject: ${fields.subject}`] : []),
    `Date: ${(fields.date ?? new Date()).toUTCString()}`,
    ...(fields.messageId === null ? [] : [`Message-ID: <${fields.messageId ?? `${Math.random().toString(36).slice(2)}.${Date.now()}@client.example.test`}>`]),
    ...(fields.inReplyTo ? [`In-Reply-To: ${fields.inReplyTo}`] : []),
    ...(fields.references ? [`References: ${fields.references}`] : []),
    ...Object.entries(fields.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  return `${lines.join('\r\n')}\r\n\r\n${(fields.body ?? 'Hello').replace(/\r?\n/g, '\r\n')}\r\n`;
}
