// `npm run lint:openapi`: builds the OpenAPI document from the compiled API with the very function
// that serves /docs-json (buildOpenApiDocument), writes docs/openapi.json (the web app generates
// its typed client from it), and lints it with Redocly and Spectral (OWASP ruleset, .spectral.yaml).
// `--check` (CI) fails instead of writing when the committed docs/openapi.json is stale.
// Nest's preview mode registers every controller without instantiating providers, so no
// PostgreSQL or Redis is needed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ensureBuilt } from './build.mjs';
import { ROOT } from './services.mjs';

const check = process.argv.includes('--check');
ensureBuilt();
const require = createRequire(join(ROOT, 'package.json'));
require('reflect-metadata');
const { NestFactory } = require('@nestjs/core');
const { ApiModule } = require(join(ROOT, 'dist/apps/api/src/api.module.js'));
const { buildOpenApiDocument } = require(join(ROOT, 'dist/apps/api/src/http/openapi.js'));

const app = await NestFactory.create(ApiModule, { preview: true, logger: false });
const text = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
const file = join(ROOT, 'docs', 'openapi.json');
if (check) {
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
    process.stderr.write('[openapi] docs/openapi.json is stale: run `npm run lint:openapi` and commit it\n');
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
}

let failed = false;
for (const [name, args] of [
  ['redocly', ['lint', '--config', 'redocly.yaml', file]],
  ['spectral', ['lint', '--ruleset', '.spectral.yaml', '--fail-severity', 'error', file]],
]) {
  process.stderr.write(`[openapi] ${name} ${args.join(' ')}\n`);
  const bin = join(ROOT, 'node_modules', '.bin', name);
  const r = spawnSync(bin, args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
