// `npm run bench [name...]`: compiles the benchmarks, finds or starts Postgres and Redis, gives
// the run its own database and Redis prefix, runs each benchmark in its own process (so peak RSS
// is per benchmark), prints one table and writes bench/results/<date>.json.
// Benchmarks live in bench/<name>.bench.ts and export `async function run(): Promise<object>`.
// BENCH_KEEP_DB=1 leaves the run's database in place (its name is printed) for EXPLAIN and
// pgbench on what the run wrote.
// A result with a non-zero `violations` count (a correctness check of the run failed) fails the
// whole command: its figures are still printed and written, with the error next to them.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropDatabase, dropQueueKeys, ensureDatabase, ensureServices, ROOT } from './services.mjs';
import { ensureBuilt } from './build.mjs';

const wanted = process.argv.slice(2);
const all = readdirSync(join(ROOT, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const names = wanted.length ? all.filter((n) => wanted.some((w) => n === w || n.startsWith(`${w}`))) : all;
if (names.length === 0) {
  process.stderr.write(`no benchmark matches ${wanted.join(' ')}; have: ${all.join(', ')}\n`);
  process.exit(2);
}

// Benchmarks that run the compiled API and worker as child processes (the HTTP ones unless
// BENCH_API=in-process: bench/support/serving-api.ts).
const USES_DIST = ['scale-out', 'messages', ...(process.env.BENCH_API === 'in-process' ? [] : ['availability-http', 'booking'])];
/** Minutes a benchmark may run before it counts as failed. */
const timeoutMinutes = (name) => (name === 'scale-out' ? 40 : name === 'reconciler' ? 20 : 8);
if (names.some((n) => USES_DIST.includes(n))) ensureBuilt();

process.stderr.write('[bench] compiling\n');
const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.bench.json'], {
  cwd: ROOT,
  stdio: 'inherit',
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
const services = await ensureServices({ database: 'postgres' });
const db = new URL(services.databaseUrl);
db.pathname = `/chairtime_bench_${runId}`;
await ensureDatabase(db.toString());
const env = {
  ...process.env,
  NODE_ENV: 'test',
  DATABASE_URL: db.toString(),
  REDIS_URL: services.redisUrl,
  DEMO_SEED: 'false',
  LOG_LEVEL: 'silent',
  THROTTLE_LIMIT_PER_MINUTE: '1000000',
  // The whole run keeps the scale-out proof short (it still prints the API and worker peak RSS);
  // `npm run bench -- scale-out` books the full 5,000 series.
  ...(wanted.length === 0 && !process.env.SCALE_OUT_SERIES ? { SCALE_OUT_SERIES: '1000' } : {}),
};

// Each benchmark runs in a child that maps the @chairtime/* aliases onto the compiled output.
const loader = `
const { register } = require('tsconfig-paths');
const ts = require('typescript');
const fs = require('node:fs');
const root = ${JSON.stringify(join(ROOT, 'dist-bench'))};
const cfg = ts.parseConfigFileTextToJson('tsconfig.json', fs.readFileSync(${JSON.stringify(join(ROOT, 'tsconfig.json'))}, 'utf8')).config;
register({ baseUrl: root, paths: cfg.compilerOptions.paths });
require('reflect-metadata');
(async () => {
  const { run } = require(process.argv[1]);
  if (process.env.DATABASE_URL) {
    const { DataSource } = require('typeorm');
    const { buildDataSourceOptions } = require('@chairtime/persistence');
    const { ENTITIES, MIGRATIONS } = require('@chairtime/persistence/registry');
    const ds = new DataSource(buildDataSourceOptions({ databaseUrl: process.env.DATABASE_URL, entities: ENTITIES, migrations: MIGRATIONS, poolSize: 1 }));
    await ds.initialize(); await ds.runMigrations(); await ds.destroy();
  }
  const result = await run();
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write('@@RESULT ' + JSON.stringify({ ...result, peakRssMb: result.peakRssMb ?? rssMb }) + '\\n');
  process.exit(result.violations ? 3 : 0);
})().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\\n'); process.exit(1); });
`;

const results = {};
let failed = 0;
for (const name of names) {
  process.stderr.write(`[bench] ${name}\n`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['-e', loader, join(ROOT, 'dist-bench', 'bench', `${name}.bench.js`)], {
    cwd: ROOT,
    // Queues of its own: a worker one benchmark starts must not run the jobs another left in Redis.
    env: { ...env, QUEUE_PREFIX: `{ct-bench-${runId}-${name}}` },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: timeoutMinutes(name) * 60_000,
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('@@RESULT '));
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const figures = line ? { ...JSON.parse(line.slice(9)), seconds } : {};
  if (r.status !== 0 || !line) {
    failed++;
    const error =
      r.status === 3
        ? `violations: ${figures.violations}`
        : (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-5).join(' | ');
    results[name] = { ...figures, error };
  } else {
    results[name] = figures;
  }
}

if (!process.env.BENCH_KEEP_DB) await dropDatabase(db.toString()).catch(() => {});
await dropQueueKeys(services.redisUrl, `{ct-bench-${runId}-`).catch(() => {});
await services.stop();

const fmt = (v) =>
  typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : typeof v === 'object' ? JSON.stringify(v) : String(v);
const rows = Object.entries(results).flatMap(([name, r]) =>
  Object.entries(r)
    .filter(([k]) => k !== 'name')
    .map(([k, v]) => [name, k, fmt(v)]),
);
const w = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length), ['benchmark', 'metric', 'value'][i].length));
const line = (cells) => cells.map((c, i) => c.padEnd(w[i])).join('  ');
process.stdout.write(`\n${line(['benchmark', 'metric', 'value'])}\n${w.map((n) => '-'.repeat(n)).join('  ')}\n`);
for (const row of rows) process.stdout.write(`${line(row)}\n`);

const date = new Date().toISOString().slice(0, 10);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const machine = { node: process.version, cpus: (await import('node:os')).cpus().length, platform: process.platform };
// One file per day: a run of some benchmarks replaces their figures and keeps the others'.
const file = join(ROOT, 'bench', 'results', `${date}.json`);
const earlier = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).results : {};
writeFileSync(file, JSON.stringify({ date, machine, results: { ...earlier, ...results } }, null, 2) + '\n');
process.stdout.write(`\nwritten to bench/results/${date}.json\n`);
process.exit(failed ? 1 : 0);
