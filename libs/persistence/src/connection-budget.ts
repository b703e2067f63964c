import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DEFAULT_POOL_SIZE } from './data-source.options';
import { pgPool } from './prepared-query';

/** What the server allows and what is connected now, as {@link readConnectionLimits} reads it. */
export interface ConnectionLimits {
  /** `max_connections`. */
  maxConnections: number;
  /** Slots only superusers or `pg_use_reserved_connections` members may take (PostgreSQL 16+ adds the second). */
  reserved: number;
  /** Client connections to the whole server now, this process's own included. */
  inUse: number;
  /** The role's `CONNECTION LIMIT`; null when it has none. */
  roleLimit: number | null;
  roleInUse: number;
  /** The database's `CONNECTION LIMIT`; null when it has none. */
  databaseLimit: number | null;
  databaseInUse: number;
}

/** Whether a pool about to open `wanted` more connections fits, and which limit is the tightest. */
export interface ConnectionBudget {
  wanted: number;
  /** Connections that can still be opened (never below 0). */
  free: number;
  limitedBy: 'server' | 'role' | 'database';
  fits: boolean;
}

/**
 * The tightest of the server's, the role's and the database's connection limits against what is
 * connected now. The reserved slots are left out even for a superuser: they are what an operator
 * needs to get in when everything else is taken.
 */
export function connectionBudget(limits: ConnectionLimits, wanted: number): ConnectionBudget {
  const candidates: { limitedBy: ConnectionBudget['limitedBy']; free: number }[] = [
    { limitedBy: 'server', free: limits.maxConnections - limits.reserved - limits.inUse },
  ];
  if (limits.roleLimit !== null) candidates.push({ limitedBy: 'role', free: limits.roleLimit - limits.roleInUse });
  if (limits.databaseLimit !== null) candidates.push({ limitedBy: 'database', free: limits.databaseLimit - limits.databaseInUse });
  const tightest = candidates.reduce((a, b) => (b.free < a.free ? b : a));
  const free = Math.max(0, tightest.free);
  return { wanted, free, limitedBy: tightest.limitedBy, fits: wanted <= free };
}

/**
 * Reads the limits in one statement. `reserved_connections` exists from PostgreSQL 16 on (missing
 * before, so 0); a connection limit of -1 means none. Counts client backends only (not the
 * server's own processes, which have their own slots).
 */
export async function readConnectionLimits(dataSource: DataSource): Promise<ConnectionLimits> {
  const [row] = await dataSource.query<
    {
      max: number;
      reserved: number;
      in_use: number;
      role_limit: number;
      role_in_use: number;
      db_limit: number;
      db_in_use: number;
    }[]
  >(
    `SELECT current_setting('max_connections')::int AS max,
       current_setting('superuser_reserved_connections')::int
         + coalesce(current_setting('reserved_connections', true), '0')::int AS reserved,
       a.in_use, a.role_in_use, a.db_in_use,
       (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user) AS role_limit,
       (SELECT datconnlimit FROM pg_database WHERE datname = current_database()) AS db_limit
     FROM (SELECT count(*)::int AS in_use,
             (count(*) FILTER (WHERE usename = current_user))::int AS role_in_use,
             (count(*) FILTER (WHERE datname = current_database()))::int AS db_in_use
           FROM pg_stat_activity WHERE backend_type = 'client backend') a`,
  );
  return {
    maxConnections: row.max,
    reserved: row.reserved,
    inUse: row.in_use,
    roleLimit: row.role_limit < 0 ? null : row.role_limit,
    roleInUse: row.role_in_use,
    databaseLimit: row.db_limit < 0 ? null : row.db_limit,
    databaseInUse: row.db_in_use,
  };
}

/**
 * Checks at start that this process's pool fits in the connection slots still free, and says so
 * in the log when it does not. The pool opens connections as load needs them, so a pool that
 * does not fit works until the busy hour and then fails requests with "too many clients" (seen
 * when every process of a scale-out run was given 20 connections: 26 server errors). The sum over
 * all processes is what must fit (docs/scaling.md); each process sees what the others hold now.
 * A warning, not a refusal to start: during a rolling deploy the old processes still hold their
 * connections for a while. Never fails the start itself (Postgres may be down: readiness reports
 * that).
 */
@Injectable()
export class ConnectionBudgetCheck implements OnApplicationBootstrap {
  private readonly log = new Logger('ConnectionBudget');

  constructor(private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.check();
  }

  async check(): Promise<ConnectionBudget | null> {
    const pool = pgPool(this.dataSource);
    if (!this.dataSource.isInitialized || !pool) return null;
    try {
      const limits = await readConnectionLimits(this.dataSource);
      // The connections this pool already has are counted in `inUse`; only the rest are wanted.
      const size = pool.options.max ?? DEFAULT_POOL_SIZE;
      const budget = connectionBudget(limits, Math.max(0, size - pool.totalCount));
      if (!budget.fits) {
        this.log.warn(
          `The database pool (DATABASE_POOL_SIZE ${size}) needs ${budget.wanted} more connections, but only ${budget.free} are free ` +
            `(${describeLimit(budget.limitedBy, limits)}). Under load, requests will fail with "too many clients": ` +
            `lower DATABASE_POOL_SIZE for this process or others, or raise the limit.`,
        );
      }
      return budget;
    } catch (e) {
      this.log.warn(`Could not read the database's connection limits: ${e instanceof Error ? e.message.slice(0, 200) : 'unknown error'}`);
      return null;
    }
  }
}

function describeLimit(limitedBy: ConnectionBudget['limitedBy'], l: ConnectionLimits): string {
  switch (limitedBy) {
    case 'role':
      return `the role's CONNECTION LIMIT ${String(l.roleLimit)}, ${l.roleInUse} in use`;
    case 'database':
      return `the database's CONNECTION LIMIT ${String(l.databaseLimit)}, ${l.databaseInUse} in use`;
    default:
      return `max_connections ${l.maxConnections}, ${l.reserved} reserved, ${l.inUse} in use`;
  }
}
