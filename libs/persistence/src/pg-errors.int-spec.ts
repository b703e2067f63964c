import { Client } from 'pg';
import { isBusy, isConnectionError, isRetryable, pgCode } from './pg-errors';

/**
 * The error classes the API turns into 503 `retry` answers, produced by a real PostgreSQL: the
 * codes come from the server, not from a table we wrote ourselves.
 */
describe('PostgreSQL error classes', () => {
  const url = process.env.DATABASE_URL as string;
  const clients: Client[] = [];
  const connect = async () => {
    const c = new Client({ connectionString: url });
    await c.connect();
    clients.push(c);
    return c;
  };
  afterAll(async () => Promise.all(clients.map((c) => c.end().catch(() => undefined))));

  it('a statement cancelled by statement_timeout is busy, not a conflict or a connection failure', async () => {
    const c = await connect();
    await c.query('BEGIN');
    await c.query(`SET LOCAL statement_timeout = '50ms'`);
    const err = await c.query('SELECT pg_sleep(2)').catch((e: unknown) => e);
    await c.query('ROLLBACK');
    expect(pgCode(err)).toBe('57014');
    expect(isBusy(err)).toBe(true);
    expect(isRetryable(err)).toBe(false);
    expect(isConnectionError(err)).toBe(false);
  });

  it('an advisory lock wait that outlasts lock_timeout is busy', async () => {
    const holder = await connect();
    const waiter = await connect();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock(424242)');
    await waiter.query('BEGIN');
    await waiter.query(`SET LOCAL lock_timeout = '50ms'`);
    const err = await waiter.query('SELECT pg_advisory_xact_lock(424242)').catch((e: unknown) => e);
    await waiter.query('ROLLBACK');
    await holder.query('ROLLBACK');
    expect(pgCode(err)).toBe('55P03');
    expect(isBusy(err)).toBe(true);
  });

  it('an ordinary error (division by zero) is none of them', async () => {
    const c = await connect();
    const err = await c.query(`SELECT * FROM (VALUES (1), (1)) v(x) GROUP BY x HAVING 1/0 = 1`).catch((e: unknown) => e);
    expect(pgCode(err)).toBe('22012');
    expect(isBusy(err) || isRetryable(err) || isConnectionError(err)).toBe(false);
  });
});
