import { type MailFacts, skipReason } from '#src/modules/email-ingest/domain/auto-reply.js';

const OWN = ['support@example.test'];
const mail = (overrides: Partial<MailFacts> = {}): MailFacts => ({ fromEmail: 'ann@example.test', headers: {}, ...overrides });

describe('skipReason', () => {
  it.each([
    ['a person writing', mail(), null],
    ['our own address (any case)', mail({ fromEmail: 'Support@Example.test' }), 'own_address'],
    ['Auto-Submitted: auto-replied', mail({ headers: { 'auto-submitted': 'auto-replied' } }), 'auto_submitted'],
    ['Auto-Submitted: no is a person', mail({ headers: { 'auto-submitted': 'No' } }), null],
    ['Precedence: bulk', mail({ headers: { precedence: 'bulk' } }), 'precedence'],
    ['Precedence: list', mail({ headers: { precedence: 'List' } }), 'precedence'],
    ['Precedence: junk', mail({ headers: { precedence: 'junk' } }), 'precedence'],
    ['X-Autoreply', mail({ headers: { 'x-autoreply': 'yes' } }), 'autoreply_header'],
    ['X-Autorespond', mail({ headers: { 'x-autorespond': 'vacation' } }), 'autoreply_header'],
    ['X-Auto-Response-Suppress: All', mail({ headers: { 'x-auto-response-suppress': 'All' } }), 'auto_response_suppress'],
    ['X-Auto-Response-Suppress: OOF, AutoReply', mail({ headers: { 'x-auto-response-suppress': 'OOF, AutoReply' } }), 'auto_response_suppress'],
    ['mailer-daemon', mail({ fromEmail: 'MAILER-DAEMON@mx.example.test' }), 'mailer_daemon'],
    ['postmaster', mail({ fromEmail: 'postmaster@example.test' }), 'mailer_daemon'],
    ['a delivery status report', mail({ contentType: 'multipart/report; report-type=delivery-status; boundary="x"' }), 'delivery_report'],
    ['a read receipt', mail({ contentType: 'multipart/report; report-type="disposition-notification"' }), 'delivery_report'],
    ['an ordinary multipart mail', mail({ contentType: 'multipart/mixed; boundary="x"' }), null],
  ])('%s', (_case, facts, reason) => {
    expect(skipReason(facts, OWN)).toBe(reason);
  });
});
