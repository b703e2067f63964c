import { DataSource, EntityManager } from 'typeorm';
import { isRetryable } from './pg-errors';
import { txQuery } from './prepared-query';

/**
 * Runs `work` in a transaction and retries it when Postgres reports a serialization failure or a
 * deadlock — errors that mean "try again", not "you lost". Bounded: after `attempts` the error
 * propagates and becomes a 503 the client may retry.
 */
export async function inTransaction<T>(dataSource: DataSource, work: (em: EntityManager) => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction(work);
    } catch (err) {
      if (!isRetryable(err) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 5 * 2 ** attempt + Math.random() * 10));
    }
  }
}

/**
 * Takes transaction-scoped advisory locks on `keys` in one round trip, in the order of their
 * hashes (so two transactions wanting overlapping sets cannot deadlock). Keys are hashed to bigint
 * by Postgres itself; `sharedKeys` are taken first, in shared mode. The sorted subquery feeds the aggregate in order, so the locks are taken in
 * that order whatever the number of keys. Prepared: it is on every booking's path.
 */
export async function lockKeys(em: EntityManager, keys: string[], sharedKeys: string[] = []): Promise<void> {
  if (sharedKeys.length > 0) {
    // Shared keys first (a gate many transactions pass at once, which one exclusive holder can
    // close), then the exclusive ones in hash order: every caller takes the gate before any other
    // key, so the gate adds no deadlock cycle.
    await txQuery(
      em,
      'lock-keys-gated',
      `SELECT count(CASE WHEN s.shared THEN pg_advisory_xact_lock_shared(s.h) ELSE pg_advisory_xact_lock(s.h) END)
       FROM (SELECT DISTINCT k.shared, hashtextextended(k.k, 0) AS h
             FROM (SELECT unnest($1::text[]) AS k, true AS shared UNION ALL SELECT unnest($2::text[]), false) AS k
             ORDER BY k.shared DESC, h) AS s`,
      [sharedKeys, keys],
    );
    return;
  }
  if (keys.length === 0) return;
  await txQuery(
    em,
    'lock-keys',
    `SELECT count(pg_advisory_xact_lock(h)) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY h) AS s`,
    [keys],
  );
}
