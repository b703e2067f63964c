import { Global, Module } from '@nestjs/common';
import { SCREENING_GATE, ScreeningGate } from './screening-gate';

/**
 * Provides {@link SCREENING_GATE} globally, so the courses library can inject it by token without
 * importing the clinical module (which would couple the two areas' module graphs).
 */
@Global()
@Module({
  providers: [ScreeningGate, { provide: SCREENING_GATE, useExisting: ScreeningGate }],
  exports: [SCREENING_GATE],
})
export class ScreeningGateModule {}
