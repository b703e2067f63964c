import { INestApplication } from '@nestjs/common';
import { createServer, Server } from 'node:net';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { asStaff } from '../support/auth';
import { inductionStarts, newClinic, newPatient, startCoursesApi, TestClinic } from '../support/courses-factories';

const NOW = Date.parse('2027-03-01T12:00:00Z');
const ZONE = 'America/New_York';

/** A port nothing listens on: bound, then closed, so connections are refused at once. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('hold expiry with Redis unreachable (e2e)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;
  let clinic: TestClinic;

  beforeAll(async () => {
    // BullMQ reports every refused Redis connection on console.error (its Queue has no 'error'
    // listener in QueuesModule); those lines are the point of this test, not failures.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    app = await startCoursesApi(clock, { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
    ds = app.get(DataSource);
    clinic = await newClinic(ds, { zone: ZONE, chairs: 1, nurses: 2, fromDate: '2027-03-01', days: 30 });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a hold still books (the job waits in the outbox) and frees its chair when the clock passes expiry', async () => {
    const auth = asStaff(app, Role.Scheduler, clinic.id);
    const http = request(app.getHttpServer());
    const newCourse = async () =>
      (
        await http
          .post('/v1/courses')
          .set(auth)
          .send({ patientId: await newPatient(ds, clinic.id), clinicId: clinic.id, protocolKey: 'iv-induction' })
          .expect(201)
      ).body.id as string;
    const visits = inductionStarts('2027-03-08', '09:00', ZONE).map((startsAt, i) => ({
      sequence: i + 1,
      startsAt,
      chairId: clinic.chairIds[0],
    }));
    const a = await newCourse();
    const b = await newCourse();
    const held = await http.post(`/v1/courses/${a}/bookings`).set(auth).send({ visits, hold: true }).expect(201);
    await http.post(`/v1/courses/${b}/bookings`).set(auth).send({ visits }).expect(409);
    const plansWhileHeld = await http.post(`/v1/courses/${b}/plans`).set(auth).send({ earliestStart: '2027-03-08', limit: 20 }).expect(200);
    const heldStarts = new Set(visits.map((v) => v.startsAt));
    for (const p of plansWhileHeld.body.plans) for (const v of p.visits) expect(heldStarts.has(v.startsAt)).toBe(false);

    clock.advance(11 * 60_000);
    await http.post(`/v1/courses/${b}/bookings`).set(auth).send({ visits }).expect(201);
    const pending = await ds.query(
      "SELECT count(*)::int AS n FROM outbox_entry WHERE job_name = 'expire-hold' AND relayed_at IS NULL AND payload->>'bookingId' = $1",
      [held.body.bookingId],
    );
    expect(pending[0].n).toBe(1);
  });
});
