import { hasControlCharacters, HIGHLIGHT_START as S, HIGHLIGHT_STOP as E, renderSnippet } from '#src/modules/knowledge/domain/snippet.js';

describe('renderSnippet', () => {
  it.each([
    [`click ${S}Forgot${E} ${S}password${E}`, 'click <b>Forgot</b> <b>password</b>'],
    [`<script>alert("x")</script> ${S}password${E} & 'more'`, '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <b>password</b> &amp; &#39;more&#39;'],
    [`${S}<b>${E}`, '<b>&lt;b&gt;</b>'],
    [`open ${S}unclosed`, 'open <b>unclosed</b>'],
    [`stray${E} end ${S}${S}twice${E}`, 'stray end <b>twice</b>'],
    ['  many \n\t spaces  ', 'many spaces'],
  ])('%j becomes %j', (headline, html) => {
    expect(renderSnippet(headline)).toBe(html);
  });
});

describe('hasControlCharacters', () => {
  it.each([
    ['plain text\twith tab\nand lines\r\n', false],
    ['Пароль — «ёлка»', false],
    [`marker ${S}`, true],
    ['bell \u0007', true],
    ['delete \u007f', true],
  ])('%j: %s', (text, expected) => {
    expect(hasControlCharacters(text)).toBe(expected);
  });
});
