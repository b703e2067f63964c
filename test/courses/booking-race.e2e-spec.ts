import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { addDays, FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { asStaff } from '../support/auth';
import { localIso, newClinic, newPatient, startCoursesApi, TestClinic } from '../support/courses-factories';

const NOW = Date.parse('2027-03-01T12:00:00Z');
const ZONE = 'America/New_York';
const CLIENTS = 200;
const PLANS = 20;
const CHAIRS = 4;

/**
 * 20 plans on 4 chairs whose chair times overlap (starts 30 min apart, 90 min of chair time), so
 * only a few can win; 200 clients, one course each, race for them all at once.
 */
function plan(k: number, chairIds: string[]): { sequence: number; startsAt: string; chairId: string }[] {
  const minutes = 9 * 60 + Math.floor(k / CHAIRS) * 30;
  const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return [0, 2, 4, 7, 9, 11].map((d, i) => ({
    sequence: i + 1,
    startsAt: localIso(addDays('2027-03-08', d), time, ZONE),
    chairId: chairIds[k % CHAIRS],
  }));
}

describe('series bookings under contention (e2e)', () => {
  let app: INestApplication;
  let ds: DataSource;
  let clinic: TestClinic;
  let url: string;

  beforeAll(async () => {
    app = await startCoursesApi(new FixedClock(NOW));
    await app.listen(0);
    url = await app.getUrl();
    ds = app.get(DataSource);
    clinic = await newClinic(ds, { zone: ZONE, chairs: CHAIRS, nurses: 8, fromDate: '2027-03-01', days: 30 });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('200 clients racing at once for 20 overlapping plans: no double booking, no partial series, every loser 409', async () => {
    const auth = asStaff(app, Role.Scheduler, clinic.id);
    const courses: string[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const patientId = await newPatient(ds, clinic.id);
      const res = await request(url)
        .post('/v1/courses')
        .set(auth)
        .send({ patientId, clinicId: clinic.id, protocolKey: 'iv-induction' })
        .expect(201);
      courses.push(res.body.id as string);
    }
    // All 200 at once, as clients do: each with its own Idempotency-Key. The API's 20 connections
    // are all busy while bookings queue on the same clinic-time locks, so a request may wait more
    // than the pool's 3 s for one and be told to retry (503 `retry`, nothing written); the client
    // then sends the same request again with the same key, as Retry-After asks.
    let retried = 0;
    const attempt = async (i: number) => {
      for (;;) {
        const res = await request(url)
          .post(`/v1/courses/${courses[i]}/bookings`)
          .set({ ...auth, 'Idempotency-Key': `race-${i}` })
          .send({ visits: plan(i % PLANS, clinic.chairIds) });
        if (res.status !== 503 || res.body.type !== 'https://chairtime.dev/problems/retry') return res;
        retried++;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    const results = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => attempt(i)));
    const statuses = results.map((r) => r.status);
    const won = statuses.filter((s) => s === 201).length;
    expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    expect(won).toBeGreaterThanOrEqual(CHAIRS);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.conflicts.length).toBeGreaterThan(0);

    const overlaps = await ds.query(
      `SELECT count(*)::int AS n FROM appointment a JOIN appointment b
         ON a.chair_id = b.chair_id AND a.id < b.id AND a.chair_time && b.chair_time
       WHERE a.clinic_id = $1 AND a.status IN ('held', 'booked') AND b.status IN ('held', 'booked')`,
      [clinic.id],
    );
    expect(overlaps[0].n).toBe(0);
    const perCourse: { n: number }[] = await ds.query(
      `SELECT count(*)::int AS n FROM appointment WHERE clinic_id = $1 AND status IN ('held', 'booked') GROUP BY course_id`,
      [clinic.id],
    );
    expect(perCourse.every((r) => r.n === 6)).toBe(true);
    expect(perCourse).toHaveLength(won);
    const [{ n: bookings }] = await ds.query(`SELECT count(*)::int AS n FROM booking WHERE clinic_id = $1`, [clinic.id]);
    expect(bookings).toBe(won);
    process.stdout.write(`[race] 200 clients: ${won} booked, ${CLIENTS - won} refused with 409, ${retried} answers were 503 retry\n`);
  });
});
