import { DataSource } from 'typeorm';

/**
 * Gives a bench clinic a past: `days` days ending two days before `before` (UTC dates) of two
 * discharged IV-infusion visits per chair per day, for the clinic's own patients, then ANALYZEs.
 * The day just before `before` is left empty: a patient treated then could not have an infusion
 * on `before` (the rest day across a patient's visits), and the benchmarks book from `before` on. A clinic in
 * service has such a history, and statements that scale with it (a capacity load that read every
 * past visit did) show up only when it is there; the statistics are what a database in service
 * has, so prepared statements get the plans they get in production rather than plans for empty
 * tables.
 */
export async function seedHistory(ds: DataSource, clinicId: string, chairIds: string[], before: string, days: number): Promise<number> {
  const [{ count }] = await ds.query(
    `WITH p AS (SELECT array_agg(id ORDER BY id) AS ids FROM patient WHERE clinic_id = $1),
     v AS (
       SELECT p.ids[1 + (d * $4 * 2 + c * 2 + s) % cardinality(p.ids)] AS patient_id, ($2::uuid[])[c + 1] AS chair_id,
              $3::date::timestamptz - d * interval '1 day' + interval '9 hours' + s * interval '3 hours' AS t
       FROM p, generate_series(2, $5::int + 1) d, generate_series(0, $4 - 1) c, generate_series(0, 1) s),
     ins AS (
       INSERT INTO appointment (clinic_id, patient_id, kind, chair_id, starts_at, ends_at, chair_released_at, chair_time, visit_time, status, ride_status)
       SELECT $1, patient_id, 'iv-infusion', chair_id, t, t + interval '80 minutes', t + interval '90 minutes',
              tstzrange(t, t + interval '90 minutes', '[)'), tstzrange(t, t + interval '80 minutes', '[)'), 'discharged', 'not-required'
       FROM v RETURNING 1)
     SELECT count(*)::int AS count FROM ins`,
    [clinicId, chairIds, before, chairIds.length, days],
  );
  await ds.query('ANALYZE');
  return count;
}
