import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source.options';
import { preparedQuery } from './prepared-query';

/**
 * The dispatch hot path's statements on a real PostgreSQL: answers as TypeORM's would be, and a
 * statement PostgreSQL prepares once per connection, not once per call.
 */
describe('preparedQuery', () => {
  // One connection, so every call below meets the same server session.
  const ds = new DataSource(
    buildDataSourceOptions({ databaseUrl: process.env.DATABASE_URL as string, entities: [], migrations: [], poolSize: 1 }),
  );
  beforeAll(async () => {
    await ds.initialize();
    await ds.query(`CREATE TEMP TABLE IF NOT EXISTS pq_probe (n int)`);
  });
  afterAll(async () => ds.destroy());

  it('answers rows and the affected-row count', async () => {
    const { rows } = await preparedQuery<{ n: number }>(ds, 'pq-select', `SELECT g AS n FROM generate_series(1, $1::int) g`, [3]);
    expect(rows.map((r) => r.n)).toEqual([1, 2, 3]);
    const { rowCount } = await preparedQuery(ds, 'pq-insert', `INSERT INTO pq_probe SELECT generate_series(1, $1::int)`, [4]);
    expect(rowCount).toBe(4);
  });

  it('prepares a statement once for the connection and reuses it on later calls', async () => {
    const prepared = async () =>
      (await preparedQuery<{ n: string }>(ds, 'pq-count', `SELECT count(*) AS n FROM pg_prepared_statements WHERE name = 'pq-count'`, []))
        .rows[0].n;
    expect(await prepared()).toBe('1');
    expect(await prepared()).toBe('1');
    // Unprepared statements leave nothing in the session's list: one row means the name stuck.
    const [{ n }] = await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM pg_prepared_statements WHERE name = 'pq-count'`);
    expect(n).toBe('1');
  });
});
