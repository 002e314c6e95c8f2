import { capClassOf, domainOf, kindsOf, MAIL_KINDS, MAX_REFERENCES, oneLine, splitAttachments, threadHeaders, underCap } from '#src/modules/mail/domain/mail-rules.js';

describe('capClassOf', () => {
  it.each([
    ['confirmation', 'automatic'],
    ['reply_notification', 'automatic'],
    ['resolved', 'automatic'],
    ['assigned', 'automatic'],
    ['reply', 'none'],
    ['password_reset', 'links'],
    ['account_claim', 'links'],
  ] as const)('%s counts against %s', (kind, capClass) => {
    expect(capClassOf(kind)).toBe(capClass);
  });

  it('puts every kind in exactly one class', () => {
    const all = [...kindsOf('automatic'), ...kindsOf('links'), ...kindsOf('none')];
    expect(all.sort()).toEqual([...MAIL_KINDS].sort());
  });
});

describe('underCap', () => {
  const caps = { automatic: 3, links: 1 };
  it.each([
    ['automatic', 2, true],
    ['automatic', 3, false],
    ['links', 0, true],
    ['links', 1, false],
    ['none', 1_000_000, true],
  ] as const)('%s with %i sent this hour: %s', (capClass, sent, ok) => {
    expect(underCap(capClass, sent, caps)).toBe(ok);
  });
});

describe('domainOf', () => {
  it.each([
    ['Support <help@Example.COM>', 'example.com'],
    ['help@support.example.org', 'support.example.org'],
    ['support@localhost', 'localhost'],
  ])('%s → %s', (from, domain) => {
    expect(domainOf(from)).toBe(domain);
  });
});

describe('threadHeaders', () => {
  it('answers nothing on an empty thread', () => {
    expect(threadHeaders([])).toEqual({ inReplyTo: null, references: [] });
  });

  it('replies to the newest mail from the customer and references the whole thread in order', () => {
    const thread = [
      { messageId: 'a@customer', direction: 'in' as const },
      { messageId: 'b@us', direction: 'out' as const },
      { messageId: 'c@customer', direction: 'in' as const },
      { messageId: 'd@us', direction: 'out' as const },
    ];
    expect(threadHeaders(thread)).toEqual({ inReplyTo: 'c@customer', references: ['a@customer', 'b@us', 'c@customer', 'd@us'] });
  });

  it('replies to our newest mail when the customer never wrote one', () => {
    expect(threadHeaders([{ messageId: 'b@us', direction: 'out' }, { messageId: 'd@us', direction: 'out' }]).inReplyTo).toBe('d@us');
  });

  it('replies to the named mail, adding it to References when the thread lacks it', () => {
    expect(threadHeaders([], 'x@customer')).toEqual({ inReplyTo: 'x@customer', references: ['x@customer'] });
    expect(threadHeaders([{ messageId: 'x@customer', direction: 'in' }], 'x@customer').references).toEqual(['x@customer']);
  });

  it('trims a long thread to its first id and the newest ones', () => {
    const thread = Array.from({ length: 50 }, (_, i) => ({ messageId: `${i}@x`, direction: 'out' as const }));
    const { references } = threadHeaders(thread);
    expect(references).toHaveLength(MAX_REFERENCES);
    expect(references[0]).toBe('0@x');
    expect(references.at(-1)).toBe('49@x');
    expect(references[1]).toBe(`${50 - MAX_REFERENCES + 1}@x`);
  });
});

describe('oneLine', () => {
  it.each([
    ['Cannot\r\nBcc: victim@example.com', 'Cannot Bcc: victim@example.com'],
    ['  lots   of\tspace ', 'lots of space'],
    ['x'.repeat(300), `${'x'.repeat(199)}…`],
  ])('%j → %j', (input, output) => {
    expect(oneLine(input)).toBe(output);
  });
});

describe('splitAttachments', () => {
  const file = (id: number, size: number) => ({ id, filename: `f${id}`, size });
  it.each([
    ['nothing to send', [], 100, [], []],
    ['all fit', [file(1, 40), file(2, 60)], 100, [1, 2], []],
    ['one past the budget is named', [file(1, 40), file(2, 61)], 100, [1], [2]],
    ['a small file after a large one still goes', [file(1, 90), file(2, 50), file(3, 10)], 100, [1, 3], [2]],
    ['a file larger than the budget alone', [file(1, 500)], 100, [], [1]],
    ['a budget of 0 attaches nothing', [file(1, 1)], 0, [], [1]],
    ['an empty file always fits', [file(1, 100), file(2, 0)], 100, [1, 2], []],
  ])('%s', (_name, files, maxBytes, attached, named) => {
    const split = splitAttachments(files, maxBytes);
    expect(split.attached.map((f) => f.id)).toEqual(attached);
    expect(split.named.map((f) => f.id)).toEqual(named);
  });
});
