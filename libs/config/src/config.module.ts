import { Global, Module } from '@nestjs/common';
import { CLOCK, Clock, OffsetClock, SystemClock } from '@chairtime/domain';
import { AppConfig, loadConfig } from './config';

/** Injection token of the validated {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Provides the validated configuration and the clock (the system clock, shifted only by the
 * CLOCK_OFFSET_MS test knob). `main.ts` validates it before Nest starts (so a bad
 * variable is one line, not a stack trace); this module re-reads the same environment.
 */
@Global()
@Module({
  providers: [
    { provide: APP_CONFIG, useFactory: (): AppConfig => loadConfig() },
    {
      provide: CLOCK,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): Clock =>
        config.clockOffsetMs === 0 ? new SystemClock() : new OffsetClock(new SystemClock(), config.clockOffsetMs),
    },
  ],
  exports: [APP_CONFIG, CLOCK],
})
export class ConfigModule {}
