import { Injectable } from '@nestjs/common';
import { type MessageKey, type ParamsArg, translate } from '#src/common/i18n/translate.js';
import { AppConfig, type Locale } from '#src/config/app-config.js';

/** System texts in the configured language (LOCALE): `i18n.t('sla.all_met')`. */
@Injectable()
export class I18nService {
  readonly locale: Locale;

  constructor(config: AppConfig) {
    this.locale = config.locale;
  }

  t<K extends MessageKey>(key: K, ...params: ParamsArg<K>): string {
    return translate(this.locale, key, ...params);
  }
}
