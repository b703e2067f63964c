import { DataSource } from 'typeorm';
import request from 'supertest';
import { findDefaultProtocol, FixedClock, Protocol, validateSeries } from '@chairtime/domain';
import { loadConfig } from '@chairtime/config';
import { Chair, Clinic, OpeningHours, StaffShift } from '@chairtime/scheduling/entities';
import { AppUser, UserClinic } from '@chairtime/identity/entities';
import { dataSourceFor } from '../../apps/cli/src/migrations';
import { DEMO_PASSWORD, DEMO_USERS, seed, seedWith } from '../../apps/cli/src/seed';
import { DEMO_CLINIC_NAME } from '../../apps/cli/src/seed-demo';
import { startIdentityApi } from '../support/identity-factories';

describe('seed (idempotent start-up data)', () => {
  let ds: DataSource;
  const config = {
    ...loadConfig(),
    adminEmail: 'Seed-Admin@test.chairtime.dev',
    adminPassword: 'seed-admin-password',
    demoSeed: true,
  };
  const clock = new FixedClock(Date.parse('2027-03-01T12:00:00Z')); // a Monday

  beforeAll(async () => {
    ds = await dataSourceFor(config.databaseUrl).initialize();
  });
  afterAll(async () => ds.destroy());

  /** Counts of what the seed owns only: other suites write to the same database in parallel. */
  const counts = async () => {
    const clinic = await ds.getRepository(Clinic).findOneBy({ name: DEMO_CLINIC_NAME });
    const clinicId = clinic?.id ?? '00000000-0000-4000-8000-000000000000';
    const emails = [...Object.values(DEMO_USERS), config.adminEmail];
    return {
      users: await ds
        .getRepository(AppUser)
        .createQueryBuilder('u')
        .where('lower(u.email) IN (:...emails)', { emails: emails.map((e) => e.toLowerCase()) })
        .getCount(),
      clinics: await ds.getRepository(Clinic).countBy({ name: DEMO_CLINIC_NAME }),
      links: await ds.getRepository(UserClinic).countBy({ clinicId }),
      chairs: await ds.getRepository(Chair).countBy({ clinicId }),
      hours: await ds.getRepository(OpeningHours).countBy({ clinicId }),
      shifts: await ds.getRepository(StaffShift).countBy({ clinicId }),
    };
  };

  it('creates the admin and the demo clinic once; a second run adds nothing', async () => {
    const first = await seedWith(ds, config, clock);
    expect(first.created).toHaveLength(7);
    expect(first.created).toContainEqual(expect.stringMatching(/^demo day 2027-03-01: 21 chair visits/));
    const after = await counts();
    expect(after).toEqual({ users: 5, clinics: 1, links: 4, chairs: 6, hours: 6, shifts: 72 });
    const second = await seedWith(ds, { ...config, adminEmail: config.adminEmail.toLowerCase() }, clock);
    expect(second.created).toEqual([]);
    expect(await counts()).toEqual(after);

    const clinic = await ds.getRepository(Clinic).findOneByOrFail({ name: DEMO_CLINIC_NAME });
    expect(clinic.timezone).toBe('America/New_York');
    const chairs = await ds.getRepository(Chair).find({ where: { clinicId: clinic.id } });
    expect(chairs.filter((c) => c.capabilities.join() === 'iv-infusion,im-injection')).toHaveLength(4);
    expect(chairs.filter((c) => c.capabilities.join() === 'spravato,iv-infusion')).toHaveLength(2);
    const hours = await ds.getRepository(OpeningHours).find({ where: { clinicId: clinic.id }, order: { weekday: 'ASC' } });
    expect(hours.map((h) => `${h.weekday} ${h.opens}-${h.closes}`)).toEqual([
      '1 07:00-19:00',
      '2 07:00-19:00',
      '3 07:00-19:00',
      '4 07:00-19:00',
      '5 07:00-19:00',
      '6 08:00-14:00',
    ]);
    // 28 days from Monday 2027-03-01: 4 weeks × 6 open days, 2 nurses + 1 clinician each.
    const shifts = await ds.getRepository(StaffShift).find({ where: { clinicId: clinic.id }, order: { startsAt: 'ASC' } });
    expect(shifts).toHaveLength(4 * 6 * 3);
    expect(shifts[0].startsAt.toISOString()).toBe('2027-03-01T12:00:00.000Z'); // 07:00 EST
    const users = await ds.getRepository(AppUser).find({ where: Object.values(DEMO_USERS).map((email) => ({ email })) });
    expect(users.map((u) => u.role).sort()).toEqual(['clinician', 'nurse', 'patient', 'scheduler']);
  });

  it('seeds a working day: visits in every state, a course mid-series, a pending screening, open tasks', async () => {
    const clinic = await ds.getRepository(Clinic).findOneByOrFail({ name: DEMO_CLINIC_NAME });
    const app = await startIdentityApi();
    try {
      const http = request(app.getHttpServer());
      const login = await http.post('/v1/auth/login').send({ email: DEMO_USERS.scheduler, password: DEMO_PASSWORD }).expect(200);
      const auth = { Authorization: `Bearer ${login.body.accessToken}` };
      const board = await http.get(`/v1/clinics/${clinic.id}/board?date=2027-03-01`).set(auth).expect(200);
      const visits = (board.body.chairs as { appointments: { status: string; flags: string[] }[] }[]).flatMap((c) => c.appointments);
      expect(new Set(visits.map((v) => v.status))).toEqual(
        new Set(['held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged', 'no-show']),
      );
      expect(visits.some((v) => v.status === 'booked' && v.flags.includes('ride-unconfirmed'))).toBe(true);
      expect(visits.filter((v) => v.flags.includes('attendance-confirmed'))).toHaveLength(2);
      const tasks = await http.get(`/v1/tasks?clinicId=${clinic.id}&status=open`).set(auth).expect(200);
      const kinds = ((tasks.body.items ?? tasks.body) as { kind: string }[]).map((t) => t.kind).sort();
      expect(kinds).toEqual(['no-show', 'rems-form-due', 'ride-unconfirmed', 'screening-review', 'vitals-hold']);
    } finally {
      await app.close();
    }
    // The course mid-series: visits 1–3 treated, 4 in the chair today, 5–6 ahead, as the protocol allows.
    const [maya] = await ds.query(`SELECT id FROM patient WHERE clinic_id = $1 AND email = 'maya.chen@demo.chairtime.dev'`, [clinic.id]);
    const series: { sequence: number; status: string; starts_at: Date }[] = await ds.query(
      `SELECT a.sequence, a.status, a.starts_at FROM appointment a JOIN course c ON c.id = a.course_id
        WHERE a.patient_id = $1 AND c.protocol_key = 'iv-induction' ORDER BY a.sequence`,
      [maya.id],
    );
    expect(series.map((v) => v.status)).toEqual(['discharged', 'discharged', 'discharged', 'in-treatment', 'booked', 'booked']);
    expect(series[3].starts_at.toISOString().slice(0, 10)).toBe('2027-03-01');
    const protocol = findDefaultProtocol('iv-induction') as Protocol;
    const seriesVisits = series.map((v) => ({ sequence: v.sequence, start: v.starts_at.getTime() }));
    expect(validateSeries(protocol, seriesVisits, clinic.timezone)).toEqual([]);
    const pending = await ds.query(
      `SELECT s.status, p.given_name FROM screening s JOIN patient p ON p.id = s.patient_id WHERE s.clinic_id = $1 AND s.status = 'pending-review'`,
      [clinic.id],
    );
    expect(pending).toEqual([{ status: 'pending-review', given_name: 'Jordan' }]);
    const [cancelled] = await ds.query(
      `SELECT count(*)::int AS n FROM appointment WHERE clinic_id = $1 AND status = 'cancelled' AND starts_at::date = '2027-03-01'`,
      [clinic.id],
    );
    expect(cancelled.n).toBe(1);
  });

  it('a later day replaces the demo day: what the earlier one left ahead is cancelled, a short Saturday keeps its morning', async () => {
    const saturday = new FixedClock(Date.parse('2027-03-06T13:00:00Z')); // 08:00 EST, open 08:00–14:00
    const clinic = await ds.getRepository(Clinic).findOneByOrFail({ name: DEMO_CLINIC_NAME });
    const result = await seedWith(ds, config, saturday);
    expect(result.created).toEqual([expect.stringMatching(/^demo day 2027-03-06: \d+ chair visits/)]);
    const live: { starts_at: Date; chair_released_at: Date; cancel_reason: string | null }[] = await ds.query(
      `SELECT a.starts_at, a.chair_released_at FROM appointment a JOIN patient p ON p.id = a.patient_id
        WHERE a.clinic_id = $1 AND p.email LIKE '%@demo.chairtime.dev' AND a.starts_at >= '2027-03-06T05:00:00Z'
          AND a.status IN ('held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged', 'no-show')
        ORDER BY a.starts_at`,
      [clinic.id],
    );
    const saturdayVisits = live.filter((v) => v.starts_at < new Date('2027-03-07T05:00:00Z'));
    expect(saturdayVisits.length).toBeGreaterThan(5);
    for (const v of saturdayVisits) expect(v.chair_released_at.getTime()).toBeLessThanOrEqual(Date.parse('2027-03-06T19:00:00Z'));
    const [replaced] = await ds.query(
      `SELECT count(*)::int AS n FROM appointment WHERE clinic_id = $1 AND cancel_reason = 'demo day replaced'`,
      [clinic.id],
    );
    expect(replaced.n).toBeGreaterThan(0);
    expect((await seedWith(ds, config, saturday)).created).toEqual([]);
  });

  it('the seeded demo users and admin can sign in', async () => {
    const app = await startIdentityApi();
    try {
      for (const email of Object.values(DEMO_USERS)) {
        await request(app.getHttpServer()).post('/v1/auth/login').send({ email, password: DEMO_PASSWORD }).expect(200);
      }
      const res = await request(app.getHttpServer())
        .post('/v1/auth/login')
        .send({ email: config.adminEmail, password: config.adminPassword })
        .expect(200);
      const me = await request(app.getHttpServer()).get('/v1/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
      expect(me.body).toMatchObject({ role: 'admin', clinicIds: [], patientId: null });
    } finally {
      await app.close();
    }
  });

  it('seed() (the CLI entry point) is a no-op on a seeded database', async () => {
    const before = await counts();
    const result = await seed(config, clock);
    expect(result.created).toEqual([]);
    expect(await counts()).toEqual(before);
  });
});
