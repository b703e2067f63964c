// Compiles the apps (one tsc pass emits api, worker and cli) when dist/ is missing or older
// than the sources, so `npm start` and the npm scripts work on a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './services.mjs';

function newest(dir) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

export function ensureBuilt({ force = false } = {}) {
  const marker = join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');
  const stale =
    force || !existsSync(marker) || ['apps', 'libs', 'migrations'].some((d) => newest(join(ROOT, d)) > statSync(marker).mtimeMs);
  if (!stale) return;
  process.stderr.write('[build] compiling apps\n');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build', 'api'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    process.stderr.write('[build] failed\n');
    process.exit(r.status ?? 1);
  }
}

export const dist = (app) => join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
