import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '@chairtime/config';
import { DateTime } from 'luxon';
import { Clock } from '@chairtime/domain';
import { buildDataSourceOptions, pgPool } from '@chairtime/persistence';
import { ENTITIES, MIGRATIONS } from '@chairtime/persistence/registry';
import { MessageLinks, SendMessageHandler, ledgerKey } from '@chairtime/messaging';
import { seedClinic, seedPatient } from '../support/scheduling-factories';
import { setConsent, waitFor } from '../support/messaging-factories';

/**
 * The send handler with the jobs of one moment sharing their database work (real PostgreSQL, log
 * channel): what a batch must keep from a send alone — one send per message and ledger key, skips
 * and supersedes, a row lock respected, and each message's failure its own.
 */
describe('send-message: the jobs active at once share one load and one claim', () => {
  // The handler checks quiet hours at send time: the clock runs from the clinic's next local noon,
  // so the sends are due whatever hour the suite runs at (messages and visits are made from now()).
  let shift = 0;
  const clock: Clock = { now: () => Date.now() + shift };
  const ds = new DataSource(
    buildDataSourceOptions({ databaseUrl: process.env.DATABASE_URL as string, entities: ENTITIES, migrations: MIGRATIONS, poolSize: 6 }),
  );
  let handler: SendMessageHandler;
  let clinicId: string;
  let planned = 0;

  beforeAll(async () => {
    await ds.initialize();
    handler = new SendMessageHandler(ds, clock, loadConfig(), new MessageLinks());
    const today = new Date().toISOString().slice(0, 10);
    clinicId = (await seedClinic(ds, { fromDate: today, days: 1, chairs: 1, nurses: 1 })).id;
    const [{ timezone }] = await ds.query<{ timezone: string }[]>(`SELECT timezone FROM clinic WHERE id = $1`, [clinicId]);
    const local = DateTime.now().setZone(timezone);
    const noon = local.set({ hour: 12, minute: 0, second: 0, millisecond: 0 });
    shift = (noon > local ? noon : noon.plus({ days: 1 })).toMillis() - local.toMillis();
  });
  afterAll(async () => ds.destroy());

  /** A consented patient with one booked visit (status given), days ahead. */
  async function visit(status = 'booked'): Promise<{ patientId: string; appointmentId: string }> {
    const patientId = await seedPatient(ds, clinicId);
    await setConsent(ds, patientId, { sms: true, email: true });
    const [a] = await ds.query<{ id: string }[]>(
      `INSERT INTO appointment (clinic_id, patient_id, kind, starts_at, ends_at, chair_released_at, chair_time, visit_time, status, ride_status)
       SELECT $1, $2, 'iv-infusion', s, s + interval '150 minutes', s + interval '160 minutes',
              tstzrange(s, s + interval '160 minutes', '[)'), tstzrange(s, s + interval '150 minutes', '[)'), $3, 'unconfirmed'
       FROM (SELECT date_trunc('hour', now()) + interval '3 days' + $4 * interval '3 hours' AS s) t RETURNING id`,
      [clinicId, patientId, status, planned++],
    );
    return { patientId, appointmentId: a.id };
  }

  /** `count` due reminders of the visit, each with its own planned time (so its own ledger key). */
  async function messages(v: { patientId: string; appointmentId: string }, count: number): Promise<string[]> {
    const rows = await ds.query<{ id: string }[]>(
      `INSERT INTO message (clinic_id, patient_id, appointment_id, kind, channel, anchor, "offset", planned_at, send_at, status, appointment_version, not_after)
       SELECT $1, $2, $3, 'reminder', 'sms', 'start', '-PT' || g || 'S', now() - g * interval '1 s', now() - interval '1 s', 'scheduled', 1,
              (SELECT starts_at FROM appointment WHERE id = $3)
       FROM generate_series(1, $4) g RETURNING id`,
      [clinicId, v.patientId, v.appointmentId, count],
    );
    return rows.map((r) => r.id);
  }

  const statuses = async (ids: string[]): Promise<string[]> => {
    const rows = await ds.query<{ id: string; status: string }[]>(`SELECT id, status FROM message WHERE id = ANY($1)`, [ids]);
    const by = new Map(rows.map((r) => [r.id, r.status]));
    return ids.map((id) => by.get(id) ?? 'missing');
  };
  /** Ledger rows of the messages, each under its message's clinic. */
  const ledgerRows = async (ids: string[]): Promise<number> =>
    Number(
      (
        await ds.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM send_ledger l JOIN message m ON m.id = l.message_id AND m.clinic_id = l.clinic_id WHERE l.message_id = ANY($1)`,
          [ids],
        )
      )[0].n,
    );

  /** The prepared statements the handler ran on the pool, by name, while `fn` ran. */
  async function statementsDuring(fn: () => Promise<unknown>): Promise<string[]> {
    const pool = pgPool(ds) as Pool;
    const spy = jest.spyOn(pool, 'query');
    try {
      await fn();
      return spy.mock.calls.map((call) => (call as unknown[] as [{ name?: string }])[0]?.name ?? 'unnamed');
    } finally {
      spy.mockRestore();
    }
  }

  it('eight concurrent sends: one load and one claim statement; each message sent once with its own ledger row', async () => {
    const ids = await messages(await visit(), 8);
    const ran = await statementsDuring(() => Promise.all(ids.map((messageId) => handler.handle({ messageId }))));
    expect(ran).toEqual(['send-message-load-many', 'send-message-claim-many']);
    expect(await statuses(ids)).toEqual(ids.map(() => 'sent'));
    expect(await ledgerRows(ids)).toBe(8);
    const bodies = await ds.query<{ rendered_body: string; provider_id: string }[]>(
      `SELECT rendered_body, provider_id FROM message WHERE id = ANY($1)`,
      [ids],
    );
    for (const b of bodies) {
      expect(b.rendered_body).toContain('/v1/actions/');
      expect(b.provider_id).toMatch(/^log:/);
    }
  });

  it('in one batch: a duplicate job sends once, a cancelled visit supersedes, no consent skips, a taken ledger key sends nothing', async () => {
    const live = await visit();
    const [ok, taken] = await messages(live, 2);
    const [gone] = await messages(await visit('cancelled'), 1);
    const noConsent = await visit();
    await setConsent(ds, noConsent.patientId, { sms: false, email: false });
    const [skipped] = await messages(noConsent, 1);
    // Another message already holds the ledger key of `taken` (same visit, kind, planned time, version).
    const [t] = await ds.query<{ appointment_id: string; patient_id: string; planned_at: Date; clinic_id: string }[]>(
      `SELECT appointment_id, patient_id, planned_at, clinic_id FROM message WHERE id = $1`,
      [taken],
    );
    const key = ledgerKey({
      appointmentId: t.appointment_id,
      patientId: t.patient_id,
      kind: 'reminder',
      plannedAt: t.planned_at,
      appointmentVersion: 1,
    });
    await ds.query(`INSERT INTO send_ledger (key, clinic_id, message_id) VALUES ($1, $2, gen_random_uuid())`, [key, t.clinic_id]);

    const jobs = [ok, ok, taken, gone, skipped];
    await Promise.all(jobs.map((messageId) => handler.handle({ messageId })));
    expect(await statuses([ok, taken, gone, skipped])).toEqual(['sent', 'scheduled', 'superseded', 'skipped']);
    expect(await ledgerRows([ok])).toBe(1);
    expect(await ledgerRows([taken, gone, skipped])).toBe(0);
    const [why] = await ds.query<{ skip_reason: string }[]>(`SELECT skip_reason FROM message WHERE id = $1`, [skipped]);
    expect(why.skip_reason).toBe('no-consent');
  });

  it('a message another transaction holds is left to wait alone: the rest of the batch is sent meanwhile, and a cancel that commits wins', async () => {
    const ids = await messages(await visit(), 3);
    const held = ids[2];
    const qr = ds.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    try {
      await qr.query(`SELECT id FROM message WHERE id = $1 FOR UPDATE`, [held]);
      const jobs = ids.map((messageId) => handler.handle({ messageId }));
      await waitFor(async () => (await statuses(ids.slice(0, 2))).every((s) => s === 'sent'), 10_000, 50);
      expect(await statuses([held])).toEqual(['scheduled']);
      // The holder supersedes it (a reschedule) and commits: the waiting claim re-reads the row.
      await qr.query(`UPDATE message SET status = 'superseded' WHERE id = $1`, [held]);
      await qr.commitTransaction();
      await Promise.all(jobs);
    } finally {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
      await qr.release();
    }
    expect(await statuses(ids)).toEqual(['sent', 'sent', 'superseded']);
    expect(await ledgerRows([held])).toBe(0);
  });

  it("one message's failure fails only its own job; the others of the batch are sent", async () => {
    const ids = await messages(await visit(), 2);
    const results = await Promise.allSettled(['not-a-message-id', ...ids].map((messageId) => handler.handle({ messageId })));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(await statuses(ids)).toEqual(['sent', 'sent']);
    expect(await ledgerRows(ids)).toBe(2);
  });
});
