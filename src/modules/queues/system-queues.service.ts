import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runExclusively } from '#src/common/database/advisory-lock.js';
import { JobLock } from '#src/common/database/advisory-locks.js';
import { I18nService } from '#src/common/i18n/i18n.service.js';
import { systemQueueTexts } from '#src/modules/queues/domain/system-queues.js';
import { QueuesRepository } from '#src/modules/queues/queues.repository.js';

/**
 * At start-up, gives the seeded queues the names and descriptions of the configured LOCALE, as
 * long as no admin has edited them (an edited queue keeps what the admin chose). On a new database
 * with LOCALE=ru the queues are thus "Техническая поддержка" … "Письма из почты"; switching LOCALE
 * later renames the untouched ones again. One idempotent UPDATE under an advisory lock: of several
 * instances starting at once one does it, the others find nothing left to change.
 */
@Injectable()
export class SystemQueuesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SystemQueuesService.name);

  constructor(
    private readonly i18n: I18nService,
    private readonly queues: QueuesRepository,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const texts = systemQueueTexts(this.i18n.locale);
    const renamed = await runExclusively(this.db, JobLock.QUEUE_NAMES, (manager) => this.queues.localizeSystemQueues(texts, manager));
    if (renamed) this.logger.log({ renamed, locale: this.i18n.locale }, 'Named the system queues in the configured locale');
  }
}
