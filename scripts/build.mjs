// Compiles the apps (one tsc pass emits api, worker and cli) when dist/ is missing or older
// than the sources, so `npm start` and the npm scripts work on a fresh clone; and builds the web
// app (Vite, into dist/web) when it is missing or older than apps/web.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './services.mjs';

const WEB = join(ROOT, 'apps', 'web');

function newest(dir, pattern = /\.ts$/) {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    // The web app is Vite's, not tsc's: its sources do not make the Nest apps stale.
    if (e.isDirectory()) t = p === WEB || e.name === 'node_modules' || e.name === 'dist' ? t : Math.max(t, newest(p, pattern));
    else if (pattern.test(e.name)) t = Math.max(t, statSync(p).mtimeMs);
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

/** Builds the web app into dist/web when it is missing or older than its sources. */
export function ensureWebBuilt({ force = false } = {}) {
  const marker = join(ROOT, 'dist', 'web', 'index.html');
  const sources = Math.max(
    newest(join(WEB, 'src'), /\.(ts|tsx|css)$/),
    ...['index.html', 'vite.config.mts'].map((f) => statSync(join(WEB, f)).mtimeMs),
  );
  if (!force && existsSync(marker) && sources <= statSync(marker).mtimeMs) return;
  process.stderr.write('[build] building the web app\n');
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(WEB, 'vite.config.mts'), '--logLevel', 'warn'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) {
    process.stderr.write('[build] web app failed\n');
    process.exit(r.status ?? 1);
  }
}

export const dist = (app) => join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
