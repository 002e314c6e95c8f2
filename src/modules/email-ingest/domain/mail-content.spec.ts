import { bodyText, fitText, htmlAsText, TITLE_MAX, titleFromSubject, visibleReply } from '#src/modules/email-ingest/domain/mail-content.js';

describe('bodyText', () => {
  it('prefers the plain-text part', () => {
    expect(bodyText({ text: 'Plain\r\nline two', html: '<p>Rich</p>' })).toBe('Plain\nline two');
  });

  it('turns the HTML part into text when there is no plain text', () => {
    expect(bodyText({ text: '  ', html: '<p>Hello <b>there</b></p><p>Second</p><img src="cid:logo">' })).toBe('Hello there\n\nSecond');
  });

  it('is empty for a mail with neither', () => {
    expect(bodyText({ html: false })).toBe('');
  });
});

describe('htmlAsText', () => {
  it('keeps a link address that differs from its text, and drops images', () => {
    expect(htmlAsText('<a href="https://x.test/a">Open</a> <img src="https://x.test/i.png" alt="i">')).toBe('Open [https://x.test/a]');
  });

  it('does not wrap long lines', () => {
    const long = 'word '.repeat(60).trim();
    expect(htmlAsText(`<p>${long}</p>`)).toBe(long);
  });
});

describe('visibleReply', () => {
  it('drops the quoted history under an English "wrote:" line', () => {
    const text = 'Thanks, it works now.\n\nOn Tue, 1 Dec 2026 at 10:00, Support <support@x.test> wrote:\n> Please try again\n> Bye';
    expect(visibleReply(text)).toBe('Thanks, it works now.');
  });

  it('drops the quoted history under a Russian header line', () => {
    const text = 'Спасибо, заработало.\n\nвт, 1 дек. 2026 г. в 10:00, Support <support@x.test>:\n> Попробуйте снова\n';
    expect(visibleReply(text)).toBe('Спасибо, заработало.');
    expect(visibleReply('Спасибо.\n\n1 декабря 2026 г., в 10:00, Поддержка написал(а):\n> Текст')).toBe('Спасибо.');
  });

  it('drops a signature and an Outlook original-message block', () => {
    expect(visibleReply('Hi\n\n-----Original Message-----\nFrom: x\nold text')).toBe('Hi');
    expect(visibleReply('Top text\n\n-- \nJohn Smith\nACME')).toBe('Top text');
  });

  it('keeps a mail that is all quote rather than making it empty', () => {
    expect(visibleReply('> only a quote')).toBe('> only a quote');
  });
});

describe('fitText', () => {
  it('leaves short text alone', () => {
    expect(fitText('short', 100, '[cut]')).toBe('short');
  });

  it('cuts long text to the limit with the marker at the end', () => {
    const cut = fitText('x'.repeat(500), 100, '[cut]');
    expect(cut).toHaveLength(100);
    expect(cut.endsWith('\n[cut]')).toBe(true);
  });
});

describe('titleFromSubject', () => {
  it('folds whitespace and trims', () => {
    expect(titleFromSubject('  Cannot\r\n   log in ', 'none')).toBe('Cannot log in');
  });

  it('uses the fallback for a blank or missing subject', () => {
    expect(titleFromSubject('   ', '(no subject)')).toBe('(no subject)');
    expect(titleFromSubject(undefined, '(no subject)')).toBe('(no subject)');
  });

  it('cuts a long subject to the title limit', () => {
    const title = titleFromSubject('a'.repeat(300), 'none');
    expect(title).toHaveLength(TITLE_MAX);
    expect(title.endsWith('…')).toBe(true);
  });
});
