import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dataSourceFor, pendingSchemaChanges, runMigrations } from '../../apps/cli/src/migrations';
import { MIGRATIONS } from '@chairtime/persistence/registry';

/** A database of its own, created empty, so "migrations apply to an empty database" is literal. */
describe('migrations', () => {
  const server = process.env.TEST_SERVER_URL!;
  const name = `${new URL(process.env.DATABASE_URL!).pathname.slice(1)}_${randomBytes(3).toString('hex')}`;
  const url = `${server}/${name}`;
  const admin = new Client({ connectionString: `${server}/postgres` });

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });

  it('apply to an empty database, leave no drift, and a second run applies nothing', async () => {
    const ds = await dataSourceFor(url).initialize();
    try {
      const applied = await runMigrations(ds);
      expect(applied).toHaveLength(MIGRATIONS.length);
      const ext = await ds.query("SELECT extname FROM pg_extension WHERE extname = 'btree_gist'");
      expect(ext).toHaveLength(1);
      expect(await pendingSchemaChanges(ds)).toEqual({ up: [], down: [] });
      expect(await runMigrations(ds)).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });

  it('are all reversible down to an empty schema', async () => {
    const ds = await dataSourceFor(url).initialize();
    try {
      await runMigrations(ds);
      for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
      const tables = await ds.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'");
      expect(tables).toEqual([]);
    } finally {
      await ds.destroy();
    }
  });
});
