import { DataSource } from 'typeorm';
import { cpuMsOf } from '../../test/support/processes';

/**
 * CPU ms used so far by each PostgreSQL backend of this database whose connection carries
 * `applicationName` (Postgres on this machine): the database's share of the work, which the app's
 * own CPU figure leaves out. Other connections (the bench's own, autovacuum) are not counted.
 */
export async function postgresCpuMs(ds: DataSource, applicationName: string): Promise<Map<number, number>> {
  const rows = await ds.query<{ pid: number }[]>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
    [applicationName],
  );
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = cpuMsOf(pid);
    if (ms !== null) out.set(pid, ms);
  }
  return out;
}

/** CPU ms the backends in `after` used since `before` (a backend that started meanwhile counts from zero). */
export function postgresCpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
