import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { asAdmin, asStaff } from '../support/auth';
import { at, seedClinic, seedPatient, SchedClinic, startSchedulingApi } from '../support/scheduling-factories';

const NOW = Date.parse('2027-03-01T12:00:00Z');
const DAY = '2027-03-03';

/**
 * The availability cache against real Postgres: answers are cached per process, stamped with the
 * clinic capacity version that triggers bump on every committed change, and expire on their own
 * when a hold lapses or a start passes.
 */
describe('availability cache (real Postgres, frozen clock)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;
  let clinic: SchedClinic;
  let sched: { Authorization: string };

  beforeAll(async () => {
    app = await startSchedulingApi(clock);
    ds = app.get(DataSource);
    clinic = await seedClinic(ds, { fromDate: '2027-02-28', days: 10, chairs: 1, nurses: 2 });
    sched = asStaff(app, Role.Scheduler, clinic.id);
  });
  afterAll(async () => app.close());
  beforeEach(() => clock.set(NOW));

  const slots = async (date = DAY): Promise<{ startsAt: string; chairIds: string[] }[]> => {
    const res = await request(app.getHttpServer())
      .get(`/v1/clinics/${clinic.id}/availability?kind=iv-infusion&from=${date}&to=${date}`)
      .set(sched);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    return res.body.slots;
  };
  const offered = async (startsAt: string, date = DAY) => (await slots(date)).some((s) => s.startsAt === startsAt);
  const version = async (): Promise<number> => {
    const [row] = await ds.query<{ version: string }[]>(
      'SELECT coalesce(sum(version), 0) AS version FROM clinic_capacity_version WHERE clinic_id = $1',
      [clinic.id],
    );
    return Number(row.version);
  };
  /** Inserts a visit directly (no booking path); `db` may be a transaction's manager. */
  const insertVisit = async (
    startsAt: string,
    status: 'booked' | 'held',
    holdExpiresAt: Date | null = null,
    db: { query: (sql: string, params: unknown[]) => Promise<unknown> } = ds,
  ): Promise<string> => {
    const [row] = (await db.query(
      `INSERT INTO appointment (clinic_id, patient_id, kind, chair_id, starts_at, ends_at, chair_released_at, chair_time, visit_time, status, hold_expires_at)
       VALUES ($1, $2, 'iv-infusion', $3, $4::timestamptz, $4::timestamptz + interval '80 minutes', $4::timestamptz + interval '90 minutes',
               tstzrange($4::timestamptz, $4::timestamptz + interval '90 minutes', '[)'), tstzrange($4::timestamptz, $4::timestamptz + interval '80 minutes', '[)'),
               $5, $6) RETURNING id`,
      [clinic.id, await seedPatient(ds, clinic.id), clinic.chairIds[0], startsAt, status, holdExpiresAt],
    )) as { id: string }[];
    return row.id;
  };

  it('serves a repeated query from the cache: a write that skips the version bump stays unseen', async () => {
    const start = at(DAY, '09:00');
    expect(await offered(start)).toBe(true);
    // Proves the second answer comes from the cache: with the trigger off, only the cache can hide the row.
    await ds.query('ALTER TABLE appointment DISABLE TRIGGER appointment_capacity_version');
    let id: string;
    try {
      id = await insertVisit(start, 'booked');
    } finally {
      await ds.query('ALTER TABLE appointment ENABLE TRIGGER appointment_capacity_version');
    }
    expect(await offered(start)).toBe(true);
    await ds.query('DELETE FROM appointment WHERE id = $1', [id]);
    expect(await offered(start)).toBe(true);
  });

  it('a booking through the API is reflected at once, through a warm cache; its cancellation too', async () => {
    const start = at(DAY, '10:00');
    expect(await offered(start)).toBe(true);
    expect(await offered(start)).toBe(true);
    const booked = await request(app.getHttpServer())
      .post('/v1/appointments')
      .set(sched)
      .send({ patientId: await seedPatient(ds, clinic.id), clinicId: clinic.id, kind: 'iv-infusion', startsAt: start });
    expect(booked.status).toBe(201);
    expect(await offered(start)).toBe(false);
    expect(await offered(at(DAY, '10:30'))).toBe(false);
    const cancelled = await request(app.getHttpServer())
      .post(`/v1/appointments/${booked.body.id}/cancel`)
      .set(sched)
      .send({ reason: 'patient asked' });
    expect(cancelled.status).toBe(200);
    expect(await offered(start)).toBe(true);
  });

  it('answers If-None-Match with 304 while the slots are unchanged, and the new slots once a booking took one', async () => {
    const date = '2027-03-04';
    const start = at(date, '09:00');
    const get = (etag?: string) => {
      const r = request(app.getHttpServer())
        .get(`/v1/clinics/${clinic.id}/availability?kind=iv-infusion&from=${date}&to=${date}`)
        .set(sched);
      return etag ? r.set('If-None-Match', etag) : r;
    };
    const first = await get();
    expect(first.status).toBe(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/]{27}"$/);
    expect(Number(first.headers['content-length'])).toBe(Buffer.byteLength(first.text));
    expect((await get()).headers.etag).toBe(etag); // the cached answer keeps its tag
    const unchanged = await get(etag);
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');
    expect((await get('W/"0-other"')).status).toBe(200);

    await insertVisit(start, 'booked');
    const changed = await get(etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body.slots.map((s: { startsAt: string }) => s.startsAt)).not.toContain(start);
  });

  it('an expired hold frees its slot without any write: the cached answer lapses at the expiry', async () => {
    const start = at(DAY, '13:00');
    await insertVisit(start, 'held', new Date(NOW + 5 * 60_000));
    expect(await offered(start)).toBe(false);
    const before = await version();
    clock.advance(5 * 60_000 - 1);
    expect(await offered(start)).toBe(false);
    clock.advance(1);
    expect(await offered(start)).toBe(true);
    expect(await version()).toBe(before);
  });

  it('a cached answer stops offering a start once the clock passes it', async () => {
    const date = '2027-03-01'; // NOW is 07:00 in New York
    const first = (await slots(date))[0].startsAt;
    clock.set(Date.parse(first) + 1);
    expect((await slots(date)).map((s) => s.startsAt)).not.toContain(first);
  });

  it('every committed change to capacity bumps the version; a ride confirmation does not', async () => {
    const bumps = async (change: () => Promise<unknown>): Promise<boolean> => {
      const v = await version();
      await change();
      return (await version()) > v;
    };
    const http = () => request(app.getHttpServer());
    expect(
      await bumps(() =>
        http()
          .put(`/v1/clinics/${clinic.id}/hours`)
          .set(sched)
          .send({ weekly: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '20:00' })) })
          .expect(200),
      ),
    ).toBe(true);
    expect(
      await bumps(() =>
        http()
          .post(`/v1/clinics/${clinic.id}/closures`)
          .set(sched)
          .send({ startDate: '2027-03-09', endDate: '2027-03-09', reason: 'x' })
          .expect(201),
      ),
    ).toBe(true);
    expect(
      await bumps(() =>
        http()
          .post(`/v1/clinics/${clinic.id}/chairs`)
          .set(sched)
          .send({ name: 'Spare', capabilities: ['spravato'] })
          .expect(201),
      ),
    ).toBe(true);
    expect(
      await bumps(() =>
        http()
          .post(`/v1/chairs/${clinic.chairIds[0]}/blocks`)
          .set(sched)
          .send({ startsAt: at('2027-03-08', '08:00'), endsAt: at('2027-03-08', '09:00'), reason: 'service' })
          .expect(201),
      ),
    ).toBe(true);
    expect(
      await bumps(() =>
        http()
          .post(`/v1/clinics/${clinic.id}/shifts`)
          .set(sched)
          .send({ role: 'nurse', startsAt: at('2027-03-08', '08:00'), endsAt: at('2027-03-08', '12:00') })
          .expect(201),
      ),
    ).toBe(true);
    expect(
      await bumps(() =>
        http()
          .patch(`/v1/clinics/${clinic.id}`)
          .set(asAdmin(app))
          .send({ settings: { nurseRatio: 3 } })
          .expect(200),
      ),
    ).toBe(true);
    const id = await insertVisit(at('2027-03-08', '15:00'), 'booked');
    expect(await bumps(() => ds.query("UPDATE appointment SET ride_status = 'confirmed' WHERE id = $1", [id]))).toBe(false);
    expect(await bumps(() => ds.query("UPDATE appointment SET status = 'cancelled' WHERE id = $1", [id]))).toBe(true);
  });

  it('a transaction bumps the version once per clinic it changed, however many rows, and each commit bumps again', async () => {
    const v = await version();
    const ids = await ds.transaction(async (em) => {
      const written = [];
      for (const hour of ['08:00', '10:00', '12:00']) written.push(await insertVisit(at('2027-03-07', hour), 'booked', null, em));
      await em.query(`UPDATE appointment SET status = 'cancelled' WHERE id = ANY($1)`, [written]);
      return written;
    });
    expect(await version()).toBe(v + 1);
    await ds.query(`DELETE FROM appointment WHERE id = ANY($1)`, [ids]);
    expect(await version()).toBe(v + 2);
  });

  it('a settings change reshapes the cached grid at once', async () => {
    const quarter = at(DAY, '16:15');
    expect(await offered(quarter)).toBe(true);
    await request(app.getHttpServer())
      .patch(`/v1/clinics/${clinic.id}`)
      .set(asAdmin(app))
      .send({ settings: { slotMinutes: 30 } })
      .expect(200);
    expect(await offered(quarter)).toBe(false);
    expect(await offered(at(DAY, '16:30'))).toBe(true);
  });
});
