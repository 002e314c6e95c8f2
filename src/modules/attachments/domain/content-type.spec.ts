import { detectContentType, OCTET_STREAM, servedInline, TEXT_PLAIN } from '#src/modules/attachments/domain/content-type.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('detectContentType', () => {
  it('takes what magic numbers recognised, whatever was declared', () => {
    expect(detectContentType('image/png', bytes('<html>'))).toBe('image/png');
    expect(detectContentType('application/pdf', bytes('%PDF-1.7'), 'application/json')).toBe('application/pdf');
  });

  it.each([
    ['<!DOCTYPE html><title>x</title>', 'text/html'],
    ['\uFEFF  <html lang="en">', 'text/html'],
    ['<script>alert(1)</script>', 'text/html'],
    ['hello <a href="x">link</a>', 'text/html'],
    ['<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">', 'image/svg+xml'],
    ['<?xml version="1.0"?><note/>', 'application/xml'],
    ['Just a note about an order.\n', TEXT_PLAIN],
    ['Привет, мир', TEXT_PLAIN],
    ['tabs\tand\r\nline ends\fand a form feed', TEXT_PLAIN],
    ['', TEXT_PLAIN],
  ])('text %j declared as nothing is %s', (text, expected) => {
    expect(detectContentType(undefined, bytes(text))).toBe(expected);
  });

  // The declared type counts for text that looks like no markup, and only when a browser would
  // show it as text or save it: never a type it renders or runs.
  it.each([
    ['{"order": 5}', 'application/json', 'application/json'],
    ['{"order": 5}', 'Application/JSON; charset=utf-8', 'application/json'],
    ['id,total\n1,5.00\n', 'text/csv', 'text/csv'],
    ['id\ttotal\n1\t5.00\n', 'text/tab-separated-values', 'text/tab-separated-values'],
    ['# Steps\n\n1. Open the app', 'text/markdown', 'text/markdown'],
    ['Just a note', 'text/plain', TEXT_PLAIN],
    ['Just a note', OCTET_STREAM, TEXT_PLAIN],
    ['Just a note', 'image/png', TEXT_PLAIN],
    ['Just a note', 'text/html', TEXT_PLAIN],
    ['Just a note', 'image/svg+xml', TEXT_PLAIN],
    ['alert(document.cookie)', 'text/javascript', TEXT_PLAIN],
    ['alert(document.cookie)', 'application/javascript', TEXT_PLAIN],
    ['<x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>', 'text/xml', TEXT_PLAIN],
    ['<note/>', 'application/xml', TEXT_PLAIN],
    ['body { color: red }', 'text/css', TEXT_PLAIN],
    ['Just a note', 'application/xhtml+xml', TEXT_PLAIN],
    ['Just a note', '', TEXT_PLAIN],
    ['<!DOCTYPE html><script>alert(1)</script>', 'application/json', 'text/html'],
    ['<svg onload="alert(1)">', 'text/csv', 'image/svg+xml'],
    ['<?xml version="1.0"?><note/>', 'text/markdown', 'application/xml'],
    ['<?xml version="1.0"?><note/>', 'text/xml', 'application/xml'],
  ])('text %j declared as %j is %s', (text, declared, expected) => {
    expect(detectContentType(undefined, bytes(text), declared)).toBe(expected);
  });

  it.each([
    ['a NUL', [0x41, 0x00, 0x42]],
    ['SOH bytes', [0x01, 0x01, 0x01, 0x01]],
    ['a vertical tab', [0x41, 0x0b, 0x42]],
    ['an escape', [0x1b, 0x5b, 0x33, 0x31, 0x6d]],
    ['a DEL', [0x41, 0x7f]],
    ['invalid UTF-8', [0xff, 0xfe, 0xfd, 0x41]],
    ['a lone continuation byte', [0x41, 0x80, 0x42]],
  ])('calls bytes with %s binary, whatever was declared', (_, content) => {
    for (const declared of [undefined, OCTET_STREAM, TEXT_PLAIN, 'application/json', 'text/csv']) {
      expect(detectContentType(undefined, new Uint8Array(content), declared)).toBe(OCTET_STREAM);
    }
  });

  it('accepts a multi-byte character cut at the end of the sample', () => {
    const cut = bytes('Привет').slice(0, 3);
    expect(detectContentType(undefined, cut)).toBe(TEXT_PLAIN);
    expect(detectContentType(undefined, cut, 'text/csv')).toBe('text/csv');
  });
});

describe('servedInline', () => {
  it.each([
    ['image/png', 'photo.png', true],
    ['application/pdf', 'invoice.pdf', true],
    ['text/plain', 'notes.txt', true],
    ['text/plain', 'README', true],
    ['application/json', 'order.json', true],
    ['text/csv', 'orders.csv', true],
    ['text/markdown', 'steps.md', true],
    ['application/json', 'payload.html', false],
    ['text/html', 'page.html', false],
    ['image/svg+xml', 'logo.svg', false],
    ['application/xml', 'data.xml', false],
    ['text/plain', 'page.html', false],
    ['text/plain', 'app.js', false],
    ['image/png', 'sneaky.svg', false],
    ['application/zip', 'archive.zip', false],
    [OCTET_STREAM, 'blob.bin', false],
    ['application/x-msdownload', 'setup.exe', false],
  ])('%s named %s inline: %s', (type, name, expected) => {
    expect(servedInline(type, name)).toBe(expected);
  });
});
