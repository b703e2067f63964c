// `npm start`: services, build, migrations, demo seed, then the API and the worker together.
// Both logs go to this terminal; Ctrl-C (or SIGTERM) stops both gracefully.
import { spawn, spawnSync } from 'node:child_process';
import { ensureBuilt, ensureWebBuilt, dist } from './build.mjs';
import { ensureDatabase, ensureServices, ROOT } from './services.mjs';

ensureBuilt();
ensureWebBuilt();

// Validate what the operator gave before touching anything: one line naming the variable.
const placeholders = { DATABASE_URL: 'postgres://placeholder/placeholder', REDIS_URL: 'redis://placeholder' };
const check = spawnSync(process.execPath, [dist('cli'), 'config:check'], {
  cwd: ROOT,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...placeholders, ...Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== '')) },
});
if (check.status !== 0) process.exit(check.status ?? 1);

const services = await ensureServices();
await ensureDatabase(services.databaseUrl);
const env = { ...process.env, DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl };

for (const step of ['migration:run', 'seed']) {
  const r = spawnSync(process.execPath, [dist('cli'), step], { cwd: ROOT, stdio: 'inherit', env });
  if (r.status !== 0) {
    await services.stop();
    process.exit(r.status ?? 1);
  }
}

const children = ['api', 'worker'].map((app) => {
  const child = spawn(process.execPath, [dist(app)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream, out) => {
    let buf = '';
    stream.on('data', (chunk) => {
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines) out.write(`${app.padEnd(6)}| ${line}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  return child;
});

const port = process.env.PORT || '3000';
process.stdout.write(
  `\nChairtime is starting:\n  Web app  http://localhost:${port}/\n  API      http://localhost:${port}/v1\n  Docs     http://localhost:${port}/docs\n  Health   http://localhost:${port}/health/ready\n  Metrics  http://localhost:${port}/metrics\n\n`,
);

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  await services.stop();
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
for (const c of children) c.on('exit', (code) => !stopping && stop(code ?? 1));
