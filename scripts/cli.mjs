// Runs an operator command (migration:run, migration:check, migration:generate, seed) against
// DATABASE_URL, or the local/embedded database when it is not given.
import { spawnSync } from 'node:child_process';
import { ensureBuilt, dist } from './build.mjs';
import { ensureDatabase, ensureServices, ROOT } from './services.mjs';

ensureBuilt();
const services = await ensureServices();
await ensureDatabase(services.databaseUrl);
const r = spawnSync(process.execPath, [dist('cli'), ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl },
});
await services.stop();
process.exit(r.status ?? 1);
