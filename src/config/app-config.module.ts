import { type DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '#src/config/app-config.js';

/**
 * Provides the validated AppConfig everywhere. The config is loaded before the module graph is
 * built (main.ts may first start an embedded PostgreSQL and fill in its URL; each test file
 * passes its own database), so it comes in as a value rather than being read here.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AppConfigModule, providers: [{ provide: AppConfig, useValue: config }], exports: [AppConfig] };
  }
}
