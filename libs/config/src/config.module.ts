import { Global, Module } from '@nestjs/common';
import { CLOCK, SystemClock } from '@chairtime/domain';
import { AppConfig, loadConfig } from './config';

/** Injection token of the validated {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Provides the validated configuration and the clock. `main.ts` validates it before Nest starts (so a bad
 * variable is one line, not a stack trace); this module re-reads the same environment.
 */
@Global()
@Module({
  providers: [
    { provide: APP_CONFIG, useFactory: (): AppConfig => loadConfig() },
    { provide: CLOCK, useClass: SystemClock },
  ],
  exports: [APP_CONFIG, CLOCK],
})
export class ConfigModule {}
