// `npm test`: finds or starts Postgres and Redis, gives this run its own throwaway database and
// Redis key prefix, runs every jest project (migrations are applied by jest's global setup),
// then drops the database and the run's Redis keys. Extra arguments go to jest
// (`npm test -- libs/domain`). `--faults` runs the fault-injection suite instead.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { dropDatabase, dropQueueKeys, ensureChromium, ensureDatabase, ensureServices, ROOT } from './services.mjs';
import { ensureBuilt, ensureWebBuilt } from './build.mjs';

const args = process.argv.slice(2);
const faults = args.includes('--faults');
const jestArgs = args.filter((a) => a !== '--faults');

// Fault tests run the compiled apps as child processes, two files at a time: a fault that kills
// or restarts Redis or Postgres has its own (test/support/local-services.ts), and every fault has
// its own scratch database and queue prefix, so two never touch each other's services. Two, not
// more: the clock-skew fault spends 2 minutes waiting out its skew while the others run beside
// it, and the machine has two cores. --forceExit because a Redis or Postgres a test killed can
// leave a client's reconnect timer behind in jest's process after every app was closed.
if (faults) ensureBuilt();
// The browser tests load the built web app (built when missing or older than its sources) in
// Debian's Chromium (installed as root when missing).
const chromiumPath = faults ? null : (ensureWebBuilt(), ensureChromium());

const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const services = await ensureServices({ database: 'postgres' });
const server = new URL(services.databaseUrl);
server.pathname = '';
const databaseUrl = new URL(services.databaseUrl);
databaseUrl.pathname = `/chairtime_test_${runId}`;
await ensureDatabase(databaseUrl.toString());

const queuePrefix = `{ct-test-${runId}}`;
const env = {
  ...process.env,
  NODE_ENV: 'test',
  DATABASE_URL: databaseUrl.toString(),
  REDIS_URL: services.redisUrl,
  TEST_SERVER_URL: server.toString().replace(/\/$/, ''),
  QUEUE_PREFIX: queuePrefix,
  // One secret per run, shared by jest and the apps it spawns (never the instance's .data/ one).
  JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(32).toString('base64url'),
  // Every test signs in from 127.0.0.1: without this the suite's wrong passwords, across files,
  // would add up to a spraying alert. Tests of that limit set their own (and their own sources).
  LOGIN_SOURCE_MAX_FAILURES: process.env.LOGIN_SOURCE_MAX_FAILURES ?? '100000',
  DEMO_SEED: 'false',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  ...(faults ? { JEST_FAULTS: '1' } : {}),
  ...(chromiumPath ? { CHROMIUM_PATH: chromiumPath } : {}),
};

const projects = faults ? ['faults'] : ['unit', 'integration', 'e2e', 'browser'];
const result = spawnSync(
  process.execPath,
  [
    join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
    ...jestArgs,
    ...(faults ? ['--maxWorkers=2', '--forceExit'] : []),
    '--selectProjects',
    ...projects,
  ],
  { cwd: ROOT, stdio: 'inherit', env },
);

// Clean up quietly: jest's summary must stay the last thing printed.
try {
  await dropDatabase(databaseUrl.toString());
  const dbs = await listDatabases(server.toString(), `chairtime_test_${runId}_%`);
  for (const db of dbs) {
    const u = new URL(server.toString());
    u.pathname = `/${db}`;
    await dropDatabase(u.toString());
  }
  await dropQueueKeys(services.redisUrl, queuePrefix);
} catch {
  // best effort: a leftover test database is named chairtime_test_<run> and harmless
}
await services.stop();
process.exit(result.status ?? 1);

async function listDatabases(serverUrl, pattern) {
  const { default: pg } = await import('pg');
  const u = new URL(serverUrl);
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    const { rows } = await c.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [pattern]);
    return rows.map((r) => r.datname);
  } finally {
    await c.end();
  }
}
