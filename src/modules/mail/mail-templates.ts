import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Locale } from '#src/config/app-config.js';
import { MAIL_KINDS, type MailKind, oneLine } from '#src/modules/mail/domain/mail-rules.js';

/** Where the templates are: beside this file in src/, copied beside the build in dist/ (npm run build). */
export const TEMPLATE_DIR = fileURLToPath(new URL('./templates/', import.meta.url));

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

interface Compiled {
  subject: Handlebars.TemplateDelegate;
  body: Handlebars.TemplateDelegate;
}

/**
 * The texts of every mail, from Handlebars files (`templates/<locale>/<kind>.hbs`): a first line
 * `Subject: …`, a blank line, then the plain-text body. The text is rendered as written (no
 * escaping: it is text/plain); the HTML alternative puts that text, paragraph by paragraph, into
 * `templates/layout.html.hbs`, where Handlebars escapes every character HTML would read (so a
 * customer's `<script>` in a message arrives as text). All files are read and compiled once, at
 * start-up: a missing or broken template fails the boot, not a mail.
 */
export class MailTemplates {
  private readonly templates: Record<MailKind, Compiled>;
  private readonly layout: Handlebars.TemplateDelegate;

  constructor(
    private readonly locale: Locale,
    dir: string = TEMPLATE_DIR,
  ) {
    const handlebars = Handlebars.create();
    this.layout = handlebars.compile(readFileSync(`${dir}/layout.html.hbs`, 'utf8'), { strict: false });
    this.templates = Object.fromEntries(
      MAIL_KINDS.map((kind) => {
        const source = readFileSync(`${dir}/${locale}/${kind}.hbs`, 'utf8').replace(/\r\n/g, '\n');
        const match = /^Subject:[ \t]*(.*)\n\n([\s\S]*)$/.exec(source);
        if (!match) throw new Error(`Mail template ${locale}/${kind}.hbs must start with "Subject: …" and a blank line`);
        const options = { noEscape: true, strict: false };
        return [kind, { subject: handlebars.compile(match[1], options), body: handlebars.compile(match[2], options) }];
      }),
    ) as Record<MailKind, Compiled>;
  }

  render(kind: MailKind, vars: Record<string, unknown>): RenderedMail {
    const template = this.templates[kind];
    const subject = oneLine(template.subject(vars));
    const text = `${template.body(vars).replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
    const paragraphs = text
      .trim()
      .split(/\n{2,}/)
      .map((paragraph) => paragraph.split('\n'));
    return { subject, text, html: this.layout({ lang: this.locale, subject, paragraphs }) };
  }
}
