import { DataSource } from 'typeorm';
import request from 'supertest';
import { FixedClock } from '@chairtime/domain';
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
    expect(first.created).toHaveLength(6);
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
