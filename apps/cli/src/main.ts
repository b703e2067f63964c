import 'reflect-metadata';
import { ConfigError, loadConfig } from '@chairtime/config';
import { dataSourceFor, pendingSchemaChanges, runMigrations, writeMigration } from './migrations';

const USAGE = 'usage: cli <migration:run | migration:check | migration:generate Name | seed | config:check>';

/** Operator commands; npm scripts call them (`npm run migration:run`, ...). */
async function main(argv: string[]): Promise<number> {
  const [command, arg] = argv;
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`chairtime: invalid configuration: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  switch (command) {
    case 'config:check':
      return 0;
    case 'migration:run': {
      const ds = await dataSourceFor(config.databaseUrl).initialize();
      try {
        const applied = await runMigrations(ds);
        process.stdout.write(
          applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'migrations up to date\n',
        );
        return 0;
      } finally {
        await ds.destroy();
      }
    }
    case 'migration:check': {
      const ds = await dataSourceFor(config.databaseUrl).initialize();
      try {
        await runMigrations(ds);
        const { up } = await pendingSchemaChanges(ds);
        if (up.length === 0) {
          process.stdout.write('no drift: entities match the migrations\n');
          return 0;
        }
        process.stderr.write(
          `drift: the entities need ${up.length} change(s) no migration makes:\n${up.map((q) => `  ${q}`).join('\n')}\n`,
        );
        return 1;
      } finally {
        await ds.destroy();
      }
    }
    case 'migration:generate': {
      if (!arg) {
        process.stderr.write('usage: npm run migration:generate -- Name\n');
        return 2;
      }
      const ds = await dataSourceFor(config.databaseUrl).initialize();
      try {
        await runMigrations(ds);
        const changes = await pendingSchemaChanges(ds);
        if (changes.up.length === 0) {
          process.stdout.write('no changes: nothing to generate\n');
          return 0;
        }
        const file = writeMigration(process.cwd(), arg, changes);
        process.stdout.write(`wrote migrations/${file}.ts (review it before committing)\n`);
        return 0;
      } finally {
        await ds.destroy();
      }
    }
    case 'seed': {
      const { seed } = await import('./seed');
      await seed(config);
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`chairtime: ${err.message}\n`);
    process.exit(1);
  },
);
