import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfigFileTextToJson } from 'typescript';
import { register } from 'tsconfig-paths';

/**
 * Applies the real migrations to the run's database once, before any integration or e2e test.
 * Jest's moduleNameMapper does not reach global setup, so the path aliases are registered here.
 */
export default async function globalSetup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) return; // unit-only run outside `npm test`
  const root = join(__dirname, '..', '..');
  // The same aliases as tsconfig.json (read from it, so they cannot drift).
  const { compilerOptions } = parseConfigFileTextToJson('tsconfig.json', readFileSync(join(root, 'tsconfig.json'), 'utf8')).config;
  const unregister = register({ baseUrl: root, paths: compilerOptions.paths });
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { DataSource } = require('typeorm') as typeof import('typeorm');
    const { buildDataSourceOptions } = require('@chairtime/persistence') as typeof import('@chairtime/persistence');
    const { ENTITIES, MIGRATIONS } = require('@chairtime/persistence/registry') as typeof import('@chairtime/persistence/registry');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const ds = new DataSource(buildDataSourceOptions({ databaseUrl: url, entities: ENTITIES, migrations: MIGRATIONS, poolSize: 1 }));
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
  } finally {
    unregister();
  }
}
