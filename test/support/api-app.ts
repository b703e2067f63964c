import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig } from '@chairtime/config';
import { ApiModule } from '../../apps/api/src/api.module';
import { configureHttpApp } from '../../apps/api/src/http/configure-app';

/**
 * The real API module, configured exactly as `main.ts` does, against the run's Postgres and
 * Redis. `env` overrides process.env for this app (e.g. a proxied DATABASE_URL).
 */
export async function startApi(env: Record<string, string> = {}): Promise<INestApplication> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const moduleRef = await Test.createTestingModule({ imports: [ApiModule] }).compile();
    const app = moduleRef.createNestApplication({ bufferLogs: true });
    configureHttpApp(app, loadConfig());
    await app.init();
    return app;
  } finally {
    process.env = saved;
  }
}
