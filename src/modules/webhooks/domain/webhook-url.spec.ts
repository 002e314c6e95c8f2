import { isWebhookUrl } from '#src/modules/webhooks/domain/webhook-url.js';

describe('isWebhookUrl', () => {
  it.each([
    ['https://hooks.example.com/support', true],
    ['http://127.0.0.1:8080/hook?x=1', true],
    ['http://[::1]:8080/', true],
    ['ftp://example.com/', false],
    ['https://user:pass@example.com/', false],
    ['https://example.com/#frag', false],
    ['/relative', false],
    ['https://exa mple.com/', false],
    ['not a url', false],
    [`https://example.com/${'a'.repeat(2000)}`, false],
  ])('%s: %s', (url, ok) => {
    expect(isWebhookUrl(url)).toBe(ok);
  });
});
