// Jest's order of test files (jest.config.js testSequencer). After a run, Jest starts the files that
// failed, then the longest ones, from the timings it keeps; on a first run (a clean clone, CI) it has
// none and goes by file size, which may start a file that runs for half a minute near the end,
// leaving one worker busy while the other waits. So a first run starts these files first, the
// slowest first (they spawn the service and its CLI, boot the app many times, or send thousands of
// requests); the rest keep Jest's order. Timings from a run always win over this list.
import { basename } from 'node:path';
import Sequencer from '@jest/test-sequencer';

const SLOWEST_FIRST = [
  'console-and-widget.browser-spec.ts',
  'startup.e2e-spec.ts',
  'admin-bootstrap.e2e-spec.ts',
  'bad-input-sweep.e2e-spec.ts',
  'export.e2e-spec.ts',
  'email-ingest.e2e-spec.ts',
  'assignment.e2e-spec.ts',
  'sla.e2e-spec.ts',
  'locale.e2e-spec.ts',
  'http-limits.e2e-spec.ts',
  'access-sweep.e2e-spec.ts',
  'auth.e2e-spec.ts',
  'self-service.e2e-spec.ts',
  'chat-instances.e2e-spec.ts',
  'bot.e2e-spec.ts',
  'outbound-mail.e2e-spec.ts',
  'outbox-instances.e2e-spec.ts',
  'webhooks.e2e-spec.ts',
];

export default class SlowestFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((test) => this.time(test) != null)) return sorted;
    const rank = (test) => {
      const index = SLOWEST_FIRST.indexOf(basename(test.path));
      return index === -1 ? SLOWEST_FIRST.length : index;
    };
    return sorted
      .map((test, index) => ({ test, index }))
      .sort((a, b) => rank(a.test) - rank(b.test) || a.index - b.index)
      .map(({ test }) => test);
  }
}
