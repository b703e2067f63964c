import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConnectionBudgetCheck, readConnectionLimits } from './connection-budget';
import { buildDataSourceOptions } from './data-source.options';

/**
 * The start-up check against a real PostgreSQL: the limits it reads are the server's, and a pool
 * larger than its role's connection limit allows is reported, naming that limit.
 */
describe('ConnectionBudgetCheck', () => {
  const url = process.env.DATABASE_URL as string;
  const admin = new DataSource(buildDataSourceOptions({ databaseUrl: url, entities: [], migrations: [], poolSize: 1 }));
  // A role of its own, limited to 2 connections (roles are cluster-wide: a unique name).
  const role = `budget_probe_${randomUUID().slice(0, 8)}`;
  const opened: DataSource[] = [];

  const asRole = async (poolSize: number): Promise<DataSource> => {
    const u = new URL(url);
    u.username = role;
    u.password = '';
    const ds = new DataSource(buildDataSourceOptions({ databaseUrl: u.toString(), entities: [], migrations: [], poolSize }));
    opened.push(ds);
    return ds.initialize();
  };

  beforeAll(async () => {
    await admin.initialize();
    await admin.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 2`);
  });
  afterAll(async () => {
    for (const ds of opened) if (ds.isInitialized) await ds.destroy();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.destroy();
  });
  afterEach(() => jest.restoreAllMocks());

  it("reads the server's own settings and connection counts", async () => {
    const limits = await readConnectionLimits(admin);
    const [{ max_connections }] = await admin.query<{ max_connections: string }[]>('SHOW max_connections');
    expect(limits.maxConnections).toBe(Number(max_connections));
    expect(limits.reserved).toBeGreaterThanOrEqual(0);
    // This connection at least, under each count.
    expect(limits.inUse).toBeGreaterThanOrEqual(1);
    expect(limits.roleInUse).toBeGreaterThanOrEqual(1);
    expect(limits.databaseInUse).toBeGreaterThanOrEqual(1);
  });

  it("warns, naming the role's limit, when the pool cannot open all its connections", async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const ds = await asRole(5);
    const budget = await new ConnectionBudgetCheck(ds).check();
    // The pool holds 1 connection (the check's); 4 more are wanted, and the role may open 1 more.
    expect(budget).toEqual({ wanted: 4, free: 1, limitedBy: 'role', fits: false });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/DATABASE_POOL_SIZE 5.*needs 4 more.*only 1 are free.*CONNECTION LIMIT 2, 1 in use/);
  });

  it('says nothing when the pool fits', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const ds = await asRole(2);
    // The earlier test's pool still holds one of the role's two slots.
    await opened[0].destroy();
    const budget = await new ConnectionBudgetCheck(ds).check();
    expect(budget).toEqual({ wanted: 1, free: 1, limitedBy: 'role', fits: true });
    expect(warn).not.toHaveBeenCalled();
  });

  it('does not run before the data source has connected', async () => {
    const ds = new DataSource(buildDataSourceOptions({ databaseUrl: url, entities: [], migrations: [], poolSize: 1 }));
    expect(await new ConnectionBudgetCheck(ds).check()).toBeNull();
  });
});
