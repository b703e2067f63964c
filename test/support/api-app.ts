import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig } from '@chairtime/config';
import { CLOCK, Clock } from '@chairtime/domain';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureHttpApp } from '../../apps/api/src/http/configure-app';
import { withMintedUsers } from './auth';

/**
 * The real API module, configured exactly as `main.ts` does, against the run's Postgres and
 * Redis. `env` overrides process.env while the app is built (e.g. a proxied DATABASE_URL);
 * `clock` replaces the system clock so tests freeze and advance time instead of sleeping.
 */
export async function startApi(env: Record<string, string> = {}, clock?: Clock): Promise<INestApplication> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const builder = withMintedUsers(Test.createTestingModule({ imports: [ApiModule] }));
    if (clock) builder.overrideProvider(CLOCK).useValue(clock);
    const moduleRef = await builder.compile();
    const app = moduleRef.createNestApplication({ bufferLogs: true });
    configureHttpApp(app, loadConfig());
    await app.init();
    return app;
  } finally {
    process.env = saved;
  }
}
