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

/*
 * Lock order. Every transaction that changes visits takes its locks in this order, so no two can
 * wait on each other in a cycle (a cycle is a deadlock: Postgres aborts one, and inTransaction
 * retries it, but only after a second's deadlock_timeout):
 *
 *   1. the Idempotency-Key row (its unique index), so a replay never waits on anything below;
 *   2. the patient lock(s), {@link lockPatients}: the one serialization point of a patient's visits;
 *   3. row locks (FOR UPDATE) of the course, booking, appointment or waitlist freed-time row;
 *   4. the clinic-time bucket locks (`lockKeysFor` in scheduling), all in one {@link lockKeys} call;
 *   5. the key-share locks an INSERT's foreign keys take (the chair row).
 *
 * A transaction may skip a level, never go back up one: e.g. a reschedule reads its visit without
 * a lock, takes the patient lock, and only then locks the visit's row.
 */

/** Patient locks already held by a transaction (advisory locks are re-entrant; this saves the round trip). */
const heldPatientLocks = new WeakMap<EntityManager, Set<string>>();

/**
 * Takes the transaction-scoped lock of each patient (level 2 of the lock order above). Every
 * change to a patient's visits — a series booking, a single visit, a move, a waitlist claim, a
 * hold confirmed, a course cancelled — takes it before re-validating the rules that span visits.
 *
 * Why per patient and not per course: the rules that span visits are the patient's, not only one
 * course's. Two moves of different visits of one course each pass the protocol check against the
 * other's old date unless they serialize; an ad-hoc infusion has no course to lock, yet must keep a
 * rest day from the patient's course visits; and a booster course and an induction course of one
 * patient share the rest day. One lock per patient covers all three; a patient makes few changes
 * at once, so it costs no throughput.
 *
 * Caveat: a `ROLLBACK TO SAVEPOINT` releases locks taken after the savepoint, so take this lock
 * before any savepoint (the record below would otherwise skip taking it again).
 */
export async function lockPatients(em: EntityManager, patientIds: Iterable<string>): Promise<void> {
  let held = heldPatientLocks.get(em);
  if (!held) heldPatientLocks.set(em, (held = new Set()));
  const missing = [...new Set(patientIds)].filter((id) => !held.has(id));
  if (missing.length === 0) return;
  await lockKeys(
    em,
    missing.map((id) => `patient:${id}`),
  );
  for (const id of missing) held.add(id);
}

/**
 * {@link lockPatients} for the patient of a course or visit row, found and locked in one round
 * trip (the key is hashed as {@link lockKeys} hashes `patient:<id>`). The row itself is not
 * locked: its patient never changes. Answers the patient id, or null for no such row.
 */
export async function lockPatientOf(em: EntityManager, table: 'course' | 'appointment', id: string): Promise<string | null> {
  const [row] = await txQuery<{ patient_id: string }>(
    em,
    `lock-patient-of-${table}`,
    `SELECT patient_id, pg_advisory_xact_lock(hashtextextended('patient:' || patient_id::text, 0)) FROM ${table} WHERE id = $1`,
    [id],
  );
  if (!row) return null;
  let held = heldPatientLocks.get(em);
  if (!held) heldPatientLocks.set(em, (held = new Set()));
  held.add(row.patient_id);
  return row.patient_id;
}
