import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './wait.js';

/** A mail the sink received, parsed by mailparser. */
export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  headers: ParsedMail['headers'];
  /** The `Date:` header, parsed (null when the mail had none). */
  date: Date | null;
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

/**
 * A real SMTP server on a random loopback port (smtp-server), keeping every mail it accepts,
 * parsed. `stop` and `start` again on the same port simulate an outage.
 */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  private server: SMTPServer | null = null;
  private port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            this.mails.push(toReceived(parsed, session.envelope.rcptTo.map((r) => r.address).join(',')));
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The mails to `address` (all when omitted). */
  to(address?: string): ReceivedMail[] {
    return address === undefined ? [...this.mails] : this.mails.filter((m) => m.to.toLowerCase() === address.toLowerCase());
  }

  /** Waits until `count` mails matching `filter` arrived, and returns them. */
  async waitForMails(filter: (mail: ReceivedMail) => boolean, count = 1, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    await waitFor(() => this.mails.filter(filter).length >= count, timeoutMs, 25);
    return this.mails.filter(filter);
  }
}

function toReceived(parsed: ParsedMail, to: string): ReceivedMail {
  const bare = (id: string) => id.replace(/^<|>$/g, '');
  const references = parsed.references === undefined ? [] : Array.isArray(parsed.references) ? parsed.references : [parsed.references];
  return {
    to,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    messageId: bare(parsed.messageId ?? ''),
    inReplyTo: parsed.inReplyTo ? bare(parsed.inReplyTo) : null,
    references: references.flatMap((r) => r.split(/\s+/)).filter(Boolean).map(bare),
    headers: parsed.headers,
    date: parsed.date ?? null,
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? '', contentType: a.contentType, content: a.content })),
  };
}

/** The `token` of the password link (reset or account claim) in a mail's text, mailed with PUBLIC_URL https://support.example.test/. */
export function passwordLinkToken(text: string): string {
  const match = /https:\/\/support\.example\.test\/password-reset\?token=([\w-]+)/.exec(text);
  if (!match) throw new Error(`no link in ${text}`);
  return match[1];
}

export async function startSmtpSink(): Promise<SmtpSink> {
  return new SmtpSink().start();
}
