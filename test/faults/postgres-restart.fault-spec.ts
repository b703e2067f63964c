import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { asStaff } from '../support/auth';
import { inductionStarts, newClinic, newPatient, startCoursesApi, TestClinic } from '../support/courses-factories';
import { report } from '../support/fault-scenario';
import { LocalPostgres } from '../support/local-services';
import { scratchDatabase } from '../support/scratch-database';

const NOW = Date.parse('2027-03-01T12:00:00Z');
const ZONE = 'America/New_York';
const COURSES = 20;
const CHAIRS = 4;

/** Course k's series: its own chair and start time, so every series could be booked. */
function series(k: number, chairIds: string[]): { sequence: number; startsAt: string; chairId: string }[] {
  const minutes = 8 * 60 + Math.floor(k / CHAIRS) * 120 + (k % CHAIRS) * 15;
  const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return inductionStarts('2027-03-08', time, ZONE).map((startsAt, i) => ({ sequence: i + 1, startsAt, chairId: chairIds[k % CHAIRS] }));
}

/**
 * Fault: PostgreSQL crashes (SIGQUIT, immediate shutdown) and restarts while concurrent series
 * bookings are in flight. No course is left with part of a series; every failed request is a 503
 * problem+json with Retry-After (never a 500 or a driver message); the API's pool recovers, and
 * retrying with the same Idempotency-Key books every series exactly once.
 */
describe('fault: PostgreSQL restarted mid-booking', () => {
  const pg = new LocalPostgres();
  let db: { url: string; drop: () => Promise<void> };
  let app: INestApplication;
  let ds: DataSource;
  let clinic: TestClinic;
  let url: string;

  beforeAll(async () => {
    await pg.start();
    db = await scratchDatabase(true, pg.serverUrl);
    app = await startCoursesApi(new FixedClock(NOW), { DATABASE_URL: db.url });
    await app.listen(0);
    url = await app.getUrl();
    ds = app.get(DataSource);
    clinic = await newClinic(ds, { zone: ZONE, chairs: CHAIRS, nurses: 8, fromDate: '2027-03-01', days: 30 });
  });
  afterAll(async () => {
    await app?.close();
    await pg.destroy();
  });

  it('leaves no partial series, answers 503 + Retry-After, and recovers', async () => {
    const auth = asStaff(app, Role.Scheduler, clinic.id);
    const courses: string[] = [];
    for (let i = 0; i < COURSES; i++) {
      const patientId = await newPatient(ds, clinic.id);
      const res = await request(url)
        .post('/v1/courses')
        .set(auth)
        .send({ patientId, clinicId: clinic.id, protocolKey: 'iv-induction' })
        .expect(201);
      courses.push(res.body.id as string);
    }
    const book = (k: number) =>
      request(url)
        .post(`/v1/courses/${courses[k]}/bookings`)
        .set(auth)
        .set('Idempotency-Key', `fault-pg-${k}`)
        .send({ visits: series(k, clinic.chairIds) });

    // All at once; the crash comes as soon as the first one answers, with the rest in flight.
    let firstAnswered: () => void = () => undefined;
    const answered = new Promise<void>((r) => (firstAnswered = r));
    const inFlight = courses.map((_, k) =>
      book(k).then((res) => {
        firstAnswered();
        return res;
      }),
    );
    await answered;
    await pg.restart('immediate');
    const first = await Promise.all(inFlight);

    const statuses = first.map((r) => r.status);
    const failed = first.filter((r) => r.status !== 201);
    for (const r of failed) {
      expect(r.status).toBe(503);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.headers['retry-after']).toBe('2');
      expect(r.body.type).toBe('https://chairtime.dev/problems/retry');
      expect(JSON.stringify(r.body)).not.toMatch(/postgres|ECONN|terminat|stack|SELECT|INSERT/i);
    }

    const perCourse = async () =>
      (await ds.query(
        `SELECT c.id, count(a.id) FILTER (WHERE a.status IN ('held', 'booked'))::int AS visits,
                (SELECT count(*)::int FROM booking b WHERE b.course_id = c.id) AS bookings
           FROM course c LEFT JOIN appointment a ON a.course_id = c.id
          WHERE c.clinic_id = $1 GROUP BY c.id`,
        [clinic.id],
      )) as { id: string; visits: number; bookings: number }[];
    // The pool reconnects by itself: this query is the API's own DataSource after the crash.
    const afterCrash = await perCourse();
    const partial = afterCrash.filter((c) => c.visits !== 0 && c.visits !== 6).length;
    expect(partial).toBe(0);
    expect(afterCrash.every((c) => c.bookings === (c.visits === 6 ? 1 : 0))).toBe(true);

    // Clients retry what failed, with the same key: a commit whose answer was lost replays.
    let retries = 0;
    for (let k = 0; k < COURSES; k++) {
      for (let attempt = 0; first[k].status !== 201 && attempt < 5; attempt++) {
        retries++;
        const res = await book(k);
        if (res.status === 201) break;
        expect({ status: res.status, body: res.body }).toEqual({ status: 503, body: {} });
      }
    }
    const final = await perCourse();
    report('postgres-restart', {
      injected: 'postgres SIGQUIT (immediate) + restart during 20 concurrent series bookings',
      expected: COURSES,
      firstTry: {
        booked: statuses.filter((s) => s === 201).length,
        retryable503: failed.length,
        other: statuses.filter((s) => s !== 201 && s !== 503).length,
      },
      partialSeries: partial,
      retries,
      booked: final.filter((c) => c.visits === 6).length,
      duplicated: final.filter((c) => c.bookings > 1).length,
    });
    expect(failed.length).toBeGreaterThan(0); // the crash hit requests in flight
    expect(final.map((c) => [c.visits, c.bookings])).toEqual(Array(COURSES).fill([6, 1]));
  });
});
