import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppConfig } from '#src/config/app-config.js';
import type { MailAttachment, OutgoingMail } from '#src/modules/mail/mail.topics.js';

/**
 * SMTP through nodemailer (SMTP_URL: `smtp://user:pass@host:587` upgrades with STARTTLS when the
 * server offers it, `smtps://…:465` is TLS from the start). Every step has a timeout well under the
 * outbox lease, so a hung server fails the attempt instead of holding the row.
 */
@Injectable()
export class MailTransport implements OnModuleDestroy {
  private readonly transporter: Transporter | null;

  constructor(config: AppConfig) {
    this.transporter = config.smtpUrl
      ? nodemailer.createTransport({ url: config.smtpUrl, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 } as never)
      : null;
  }

  onModuleDestroy(): void {
    this.transporter?.close();
  }

  /** Sends `mail` with `files` attached (streamed from disk: a missing file fails the attempt). */
  async send(mail: OutgoingMail, files: MailAttachment[] = []): Promise<void> {
    if (!this.transporter) throw new Error('SMTP_URL is not set');
    await this.transporter.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: `<${mail.messageId}>`,
      ...(mail.date !== undefined && { date: new Date(mail.date) }),
      ...(files.length > 0 && { attachments: files.map((file) => ({ filename: file.filename, contentType: file.contentType, path: file.path })) }),
      ...(mail.inReplyTo !== null && { inReplyTo: `<${mail.inReplyTo}>` }),
      ...(mail.references.length > 0 && { references: mail.references.map((id) => `<${id}>`) }),
      ...(mail.autoSubmitted && { headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' } }),
    });
  }
}
