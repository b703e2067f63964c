import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { dataSourceFor, runMigrations } from '../../apps/cli/src/migrations';

/**
 * A migrated database of its own, for tests that run a worker: the outbox table is shared by
 * everything in a database, so a worker on another Redis (a cluster, a killed process) must not
 * see the rows other test files write. Dropped by `drop()` (and by `npm test` at the end).
 * `server` is another PostgreSQL server (a fault test's own) instead of the run's.
 */
export async function scratchDatabase(
  migrate = true,
  server = process.env.TEST_SERVER_URL!,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${new URL(process.env.DATABASE_URL!).pathname.slice(1).replace(/_[0-9a-f]{6}$/, '')}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: `${server}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = `${server}/${name}`;
  if (migrate) {
    const ds = await dataSourceFor(url).initialize();
    await runMigrations(ds);
    await ds.destroy();
  }
  return {
    url,
    drop: async () => {
      const c = new Client({ connectionString: `${server}/postgres` });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
