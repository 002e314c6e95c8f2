import { hashedName, linkAssets } from '#src/modules/web/web-pages.js';

describe('hashedName', () => {
  it.each([
    ['console.js', 'a', /^console\.[0-9a-f]{10}\.js$/],
    ['widget-app.js', 'b', /^widget-app\.[0-9a-f]{10}\.js$/],
    ['socket.io.js', 'c', /^socket\.io\.[0-9a-f]{10}\.js$/],
    ['console.css', 'd', /^console\.[0-9a-f]{10}\.css$/],
  ])('%s → name.<hash>.ext', (name, body, expected) => {
    expect(hashedName(name, body)).toMatch(expected);
  });

  it('changes with the content and only with it', () => {
    expect(hashedName('a.js', 'one')).toBe(hashedName('a.js', 'one'));
    expect(hashedName('a.js', 'one')).not.toBe(hashedName('a.js', 'two'));
  });
});

describe('linkAssets', () => {
  const urls = new Map([
    ['console.js', '/assets/console.0123456789.js'],
    ['console.css', '/assets/console.abcdef0123.css'],
  ]);

  it.each([
    ['<script src="{{asset:console.js}}">', '<script src="/assets/console.0123456789.js">'],
    ['{{asset:console.css}} {{asset:console.js}}', '/assets/console.abcdef0123.css /assets/console.0123456789.js'],
    ['no placeholders', 'no placeholders'],
  ])('%s', (template, expected) => {
    expect(linkAssets(template, urls)).toBe(expected);
  });

  it('refuses a page that names an asset that does not exist', () => {
    expect(() => linkAssets('{{asset:missing.js}}', urls)).toThrow('unknown asset missing.js');
  });
});
