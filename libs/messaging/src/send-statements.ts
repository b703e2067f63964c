import type { DataSource } from 'typeorm';
import type { MessageChannel } from '@chairtime/domain';
import { preparedQuery } from '@chairtime/persistence';

/**
 * The statements of message dispatch. Each runs as a named prepared statement on the pool
 * (parsed and planned once per connection). The `…_MANY` forms serve the jobs that are active at
 * the same time in one round trip: under load the per-message cost of a send was mostly the
 * round trips, commits and socket writes of two statements per message.
 */

/** Everything one send needs: the message, its visit (if any), the patient's contact details and consent, and the clinic. */
const LOAD_COLUMNS = `
  SELECT m.id, m.status, m.kind, m.channel, m.planned_at, m.send_at, m.not_after, m.claimed_at, m.patient_id, m.clinic_id,
         m.appointment_id, m.appointment_version, m.course_id,
         a.status AS visit_status, a.starts_at, a.ends_at, a.version AS visit_version,
         p.consent, p.phone, p.email, p.timezone AS patient_zone,
         c.name AS clinic_name, c.timezone AS clinic_zone, c.settings AS clinic_settings
  FROM message m
  JOIN patient p ON p.id = m.patient_id
  JOIN clinic c ON c.id = m.clinic_id
  LEFT JOIN appointment a ON a.id = m.appointment_id`;

/**
 * Plain rows, not entities — hydration cost more than the query. Read without a lock: the claim
 * that follows re-checks the message under its row lock.
 */
const LOAD_SQL = `${LOAD_COLUMNS} WHERE m.id = $1`;
const LOAD_MANY_SQL = `${LOAD_COLUMNS} WHERE m.id = ANY($1::uuid[])`;

/**
 * Claims one send in one atomic statement: locks the message if it is still `scheduled` and
 * before its not-after (a supersede — reschedule, cancel — that committed meanwhile makes this a
 * no-op, because the lock re-reads the row), inserts the send-ledger row, and updates the message
 * only when the ledger row is its own — new, or left by an earlier attempt. $4 = true marks it
 * sent at once (the log channel: nothing to call); otherwise it becomes `sending` (claimed at $5)
 * and the handler calls the provider after the claim committed. A supersede touches only
 * `scheduled` rows, so a cancel that comes after the claim leaves the record saying what the
 * patient got. One row updated = the send is ours to make.
 */
const CLAIM_SQL = `
  WITH m AS (SELECT id, clinic_id FROM message WHERE id = $1 AND status = 'scheduled' AND not_after > $5 FOR UPDATE),
       ins AS (INSERT INTO send_ledger (key, clinic_id, message_id) SELECT $2, clinic_id, id FROM m
               ON CONFLICT (key, clinic_id) DO NOTHING RETURNING message_id),
       owner AS (SELECT message_id FROM ins
                 UNION ALL SELECT l.message_id FROM send_ledger l JOIN m ON l.clinic_id = m.clinic_id WHERE l.key = $2 LIMIT 1)
  UPDATE message SET attempts = attempts + 1, rendered_body = $3, claimed_at = $5,
         status = CASE WHEN $4 THEN 'sent' ELSE 'sending' END,
         sent_at = CASE WHEN $4 THEN $5::timestamptz ELSE sent_at END,
         provider_id = CASE WHEN $4 THEN 'log:' || $2 ELSE provider_id END
  WHERE id = (SELECT id FROM m) AND id = (SELECT message_id FROM owner)`;

/**
 * {@link CLAIM_SQL} for many messages in one statement, each claimed on its own terms: a message
 * is claimed when it is still `scheduled` and its ledger key is new or already its own. The
 * locks are taken with SKIP LOCKED, in id order: a batch holding several message locks never
 * waits for another one (a reschedule or cancel writing the same visit's messages, another
 * worker's batch), so it cannot deadlock with them. A message it skipped answers `locked =
 * false` and is claimed again alone with {@link CLAIM_SQL}, which waits for that lock and re-reads
 * the row — as every claim did before. The messages are found by `id = ANY($1)` (a primary-key
 * lookup) rather than by a join to the unnested ids.
 */
const CLAIM_MANY_SQL = `
  WITH i AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bool[]) AS t(id, key, body, logged)),
       m AS (SELECT id, clinic_id FROM message WHERE id = ANY($1::uuid[]) AND status = 'scheduled' AND not_after > $5
             ORDER BY id FOR UPDATE SKIP LOCKED),
       ins AS (INSERT INTO send_ledger (key, clinic_id, message_id)
               SELECT i.key, m.clinic_id, i.id FROM i JOIN m ON m.id = i.id ORDER BY i.key
               ON CONFLICT (key, clinic_id) DO NOTHING RETURNING message_id),
       owner AS (SELECT message_id FROM ins
                 UNION ALL SELECT l.message_id FROM send_ledger l JOIN i ON l.key = i.key AND l.message_id = i.id
                   JOIN m ON m.id = i.id AND l.clinic_id = m.clinic_id),
       upd AS (UPDATE message SET attempts = attempts + 1, rendered_body = i.body, claimed_at = $5,
                      status = CASE WHEN i.logged THEN 'sent' ELSE 'sending' END,
                      sent_at = CASE WHEN i.logged THEN $5::timestamptz ELSE message.sent_at END,
                      provider_id = CASE WHEN i.logged THEN 'log:' || i.key ELSE message.provider_id END
               FROM i
               WHERE message.id = i.id AND message.id IN (SELECT id FROM m) AND message.id IN (SELECT message_id FROM owner)
               RETURNING message.id)
  SELECT i.id, i.id IN (SELECT id FROM m) AS locked, i.id IN (SELECT id FROM upd) AS claimed FROM i`;

/** One row of {@link LOAD_SQL}. */
export interface SendRow {
  id: string;
  status: string;
  kind: string;
  channel: string;
  planned_at: Date;
  send_at: Date;
  not_after: Date;
  claimed_at: Date | null;
  patient_id: string;
  clinic_id: string;
  appointment_id: string | null;
  appointment_version: number | null;
  course_id: string | null;
  visit_status: string | null;
  starts_at: Date | null;
  ends_at: Date | null;
  visit_version: number | null;
  consent: Partial<Record<MessageChannel, boolean>> | null;
  phone: string | null;
  email: string | null;
  patient_zone: string | null;
  clinic_name: string;
  clinic_zone: string;
  clinic_settings: { quietHours?: { from: string; to: string } } | null;
}

/** A send ready to be claimed: its ledger key, the rendered body, and whether the log channel carries it (sent at claim). */
export interface Claim {
  id: string;
  key: string;
  body: string;
  logged: boolean;
}

/** How one message of a batch claim ended: claimed (the send is ours), or not locked (claim it alone). */
export interface ClaimOutcome {
  locked: boolean;
  claimed: boolean;
}

export async function loadSend(ds: DataSource, id: string): Promise<SendRow | undefined> {
  return (await preparedQuery<SendRow>(ds, 'send-message-load', LOAD_SQL, [id])).rows[0];
}

export async function loadSends(ds: DataSource, ids: string[]): Promise<Map<string, SendRow>> {
  const { rows } = await preparedQuery<SendRow>(ds, 'send-message-load-many', LOAD_MANY_SQL, [ids]);
  return new Map(rows.map((r) => [r.id, r]));
}

/** Claims one send ({@link CLAIM_SQL}); true when it is ours to make. */
export async function claimSend(ds: DataSource, c: Claim, now: Date): Promise<boolean> {
  const { rowCount } = await preparedQuery(ds, 'send-message-claim', CLAIM_SQL, [c.id, c.key, c.body, c.logged, now]);
  return rowCount > 0;
}

/** Claims many sends in one statement ({@link CLAIM_MANY_SQL}); ids must be distinct. */
export async function claimSends(ds: DataSource, claims: Claim[], now: Date): Promise<Map<string, ClaimOutcome>> {
  const { rows } = await preparedQuery<{ id: string; locked: boolean; claimed: boolean }>(ds, 'send-message-claim-many', CLAIM_MANY_SQL, [
    claims.map((c) => c.id),
    claims.map((c) => c.key),
    claims.map((c) => c.body),
    claims.map((c) => c.logged),
    now,
  ]);
  return new Map(rows.map((r) => [r.id, { locked: r.locked, claimed: r.claimed }]));
}
