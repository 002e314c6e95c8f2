import { LOCALES } from '#src/config/app-config.js';
import { MAIL_KINDS } from '#src/modules/mail/domain/mail-rules.js';
import { MailTemplates } from '#src/modules/mail/mail-templates.js';

const vars = {
  recipient: { name: 'Casey <Customer>' },
  agent: { name: 'Alex & Co' },
  ticket: { id: 42, title: 'Printer "on fire"\r\nBcc: x@example.com', priority: 'high' },
  message: { content: 'Try <script>alert(1)</script> first.\n\nThen restart.' },
  link: 'https://support.example.com/reset-password?token=abc',
  ttlMinutes: 60,
};

describe('MailTemplates', () => {
  it.each(LOCALES.flatMap((locale) => MAIL_KINDS.map((kind) => [locale, kind] as const)))('%s/%s renders a subject, a text and an HTML body', (locale, kind) => {
    const mail = new MailTemplates(locale).render(kind, vars);
    expect(mail.subject.length).toBeGreaterThan(3);
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text).not.toContain('{{');
    expect(mail.html).toContain(`<html lang="${locale}">`);
  });

  it('keeps the text as written and escapes it in the HTML', () => {
    const mail = new MailTemplates('en').render('reply_notification', vars);
    expect(mail.text).toContain('Try <script>alert(1)</script> first.');
    expect(mail.text).toContain('Alex & Co answered your ticket #42');
    expect(mail.html).toContain('Try &lt;script&gt;alert(1)&lt;/script&gt; first.');
    expect(mail.html).toContain('Alex &amp; Co');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('<p>Then restart.</p>');
  });

  it('names the files too large to attach after the message, and nothing when there are none', () => {
    const en = new MailTemplates('en');
    expect(en.render('reply', { ...vars, namedFiles: 'big.zip, log.txt' }).text).toContain(
      'Then restart.\n\nToo large to attach to this mail, kept on ticket #42: big.zip, log.txt. Reply to this mail if you need them sent another way.\n\n--\n',
    );
    expect(en.render('reply', vars).text).toContain('Then restart.\n\n--\n');
    expect(new MailTemplates('ru').render('reply_notification', { ...vars, namedFiles: 'big.zip' }).text).toContain('остаются в заявке №42: big.zip.');
  });

  it('puts a title with line breaks on one subject line', () => {
    expect(new MailTemplates('en').render('resolved', vars).subject).toBe('Resolved: Printer "on fire" Bcc: x@example.com');
  });

  it('writes Russian texts for LOCALE=ru', () => {
    const mail = new MailTemplates('ru').render('password_reset', vars);
    expect(mail.subject).toBe('Сброс пароля');
    expect(mail.text).toContain('https://support.example.com/reset-password?token=abc');
  });
});
