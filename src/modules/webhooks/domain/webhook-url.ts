/** The longest endpoint URL accepted. */
export const WEBHOOK_URL_MAX = 2000;

/**
 * Whether `value` may be an endpoint URL: absolute http(s) with a host, no credentials, no fragment
 * and no white space. Where it points is checked separately (address-policy, after DNS).
 */
export function isWebhookUrl(value: string): boolean {
  if (value.length > WEBHOOK_URL_MAX || /\s/u.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '' && url.hash === '';
}
