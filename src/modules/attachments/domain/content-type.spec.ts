import { detectContentType, OCTET_STREAM, servedInline, TEXT_PLAIN } from '#src/modules/attachments/domain/content-type.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('detectContentType', () => {
  it('takes what magic numbers recognised', () => {
    expect(detectContentType('image/png', bytes('<html>'))).toBe('image/png');
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
    ['', TEXT_PLAIN],
  ])('text %j is %s', (text, expected) => {
    expect(detectContentType(undefined, bytes(text))).toBe(expected);
  });

  it('calls bytes with NULs or invalid UTF-8 binary', () => {
    expect(detectContentType(undefined, new Uint8Array([0x41, 0x00, 0x42]))).toBe(OCTET_STREAM);
    expect(detectContentType(undefined, new Uint8Array([0xff, 0xfe, 0xfd, 0x41]))).toBe(OCTET_STREAM);
  });

  it('accepts a multi-byte character cut at the end of the sample', () => {
    const cut = bytes('Привет').slice(0, 3);
    expect(detectContentType(undefined, cut)).toBe(TEXT_PLAIN);
  });
});

describe('servedInline', () => {
  it.each([
    ['image/png', 'photo.png', true],
    ['application/pdf', 'invoice.pdf', true],
    ['text/plain', 'notes.txt', true],
    ['text/plain', 'README', true],
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
