import { mailDedupKey } from '#src/modules/email-ingest/domain/dedup.js';

describe('mailDedupKey', () => {
  const date = new Date('2026-12-01T10:00:00Z');
  it.each([
    ['the Message-ID, without brackets or case', { messageId: '<ABC@Mail.Example.test>', fromEmail: 'a@x', body: 'hi' }, 'mid:abc@mail.example.test'],
    ['the same id bare', { messageId: 'abc@mail.example.test', fromEmail: 'b@y', body: 'other' }, 'mid:abc@mail.example.test'],
  ])('%s', (_case, mail, key) => {
    expect(mailDedupKey(mail)).toBe(key);
  });

  it('without a Message-ID, the same date, sender and body give the same key, and any change another', () => {
    const mail = { messageId: null, date, fromEmail: 'Ann@Example.test', body: 'Printer on fire' };
    const key = mailDedupKey(mail);
    expect(key).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(mailDedupKey({ ...mail, fromEmail: 'ann@example.test' })).toBe(key);
    expect(mailDedupKey({ ...mail, messageId: '  ' })).toBe(key);
    expect(mailDedupKey({ ...mail, body: 'Printer on fire!' })).not.toBe(key);
    expect(mailDedupKey({ ...mail, date: new Date('2026-12-01T10:00:01Z') })).not.toBe(key);
    expect(mailDedupKey({ ...mail, fromEmail: 'bob@example.test' })).not.toBe(key);
  });
});
