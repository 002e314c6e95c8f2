import { cleanFilename, FALLBACK_FILENAME, FILENAME_MAX_BYTES } from '#src/modules/attachments/domain/filename.js';

describe('cleanFilename', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['  spaced name.txt  ', 'spaced name.txt'],
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\windows\\win.ini', 'win.ini'],
    ['/absolute/path/photo.png', 'photo.png'],
    ['C:\\Users\\me\\invoice.xlsx', 'invoice.xlsx'],
    ['new\nline\r.txt', 'newline.txt'],
    ['tab\there\u0000.txt', 'tabhere.txt'],
    ['evil\u202egpj.exe', 'evilgpj.exe'],
    ['Счёт №5.pdf', 'Счёт №5.pdf'],
    ['', FALLBACK_FILENAME],
    [null, FALLBACK_FILENAME],
    [undefined, FALLBACK_FILENAME],
    ['..', FALLBACK_FILENAME],
    ['.', FALLBACK_FILENAME],
    ['dir/', FALLBACK_FILENAME],
    ['\u0001\u0002', FALLBACK_FILENAME],
    ['.env', '.env'],
  ])('%j becomes %j', (input, expected) => {
    expect(cleanFilename(input)).toBe(expected);
  });

  it('cuts long names to 255 bytes and keeps the extension', () => {
    const cleaned = cleanFilename(`${'a'.repeat(400)}.pdf`);
    expect(Buffer.byteLength(cleaned)).toBe(FILENAME_MAX_BYTES);
    expect(cleaned.endsWith('.pdf')).toBe(true);
  });

  it('never cuts a multi-byte character in half', () => {
    const cleaned = cleanFilename(`${'я'.repeat(200)}.txt`);
    expect(Buffer.byteLength(cleaned)).toBeLessThanOrEqual(FILENAME_MAX_BYTES);
    expect(cleaned).toMatch(/^я+\.txt$/);
    expect(Buffer.from(cleaned).toString()).toBe(cleaned);
  });
});
