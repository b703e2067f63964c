import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '@chairtime/persistence';
import { ENTITIES, MIGRATIONS } from '@chairtime/persistence/registry';

export function dataSourceFor(databaseUrl: string): DataSource {
  return new DataSource(
    buildDataSourceOptions({ databaseUrl, entities: ENTITIES, migrations: MIGRATIONS, poolSize: 2, applicationName: 'chairtime-cli' }),
  );
}

/**
 * Applies pending migrations under an advisory lock, so two processes starting together cannot
 * both try (the second waits, then finds nothing to do).
 */
export async function runMigrations(ds: DataSource): Promise<string[]> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query("SELECT pg_advisory_lock(hashtext('chairtime-migrations'))");
    const applied = await ds.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query("SELECT pg_advisory_unlock(hashtext('chairtime-migrations'))").catch(() => undefined);
    await runner.release();
  }
}

/** SQL the entities would need beyond what the migrations created: empty means no drift. */
export async function pendingSchemaChanges(ds: DataSource): Promise<{ up: string[]; down: string[] }> {
  const log = await ds.driver.createSchemaBuilder().log();
  return { up: log.upQueries.map((q) => q.query), down: log.downQueries.map((q) => q.query) };
}

const esc = (q: string): string => q.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');

/**
 * Writes `migrations/<timestamp>-<Name>.ts` from the drift and registers it in
 * `migrations/index.ts`. The result is a draft to review — constraints TypeORM cannot express
 * (exclusion over partial predicates, triggers) are added by hand.
 */
export function writeMigration(rootDir: string, name: string, changes: { up: string[]; down: string[] }, timestamp = Date.now()): string {
  if (!/^[A-Z][A-Za-z0-9]+$/.test(name)) throw new Error('migration name must be PascalCase, e.g. AddChairBlocks');
  const cls = `${name}${timestamp}`;
  const file = `${timestamp}-${name}`;
  const body = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${cls} implements MigrationInterface {
  name = '${cls}';

  async up(q: QueryRunner): Promise<void> {
${changes.up.map((s) => `    await q.query(\`${esc(s)}\`);`).join('\n')}
  }

  async down(q: QueryRunner): Promise<void> {
${changes.down
  .slice()
  .reverse()
  .map((s) => `    await q.query(\`${esc(s)}\`);`)
  .join('\n')}
  }
}
`;
  writeFileSync(join(rootDir, 'migrations', `${file}.ts`), body);
  const indexPath = join(rootDir, 'migrations', 'index.ts');
  let index = readFileSync(indexPath, 'utf8');
  index = index.replace(/\n\n\/\*\*/, `\nimport { ${cls} } from './${file}';\n\n/**`).replace(/\];\s*$/, `, ${cls}];\n`);
  writeFileSync(indexPath, index);
  return file;
}
