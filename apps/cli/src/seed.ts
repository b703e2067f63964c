import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@chairtime/config';
import { Clock, SystemClock } from '@chairtime/domain';
import { AppUser, UserClinic, UserRole } from '@chairtime/identity/entities';
import { PasswordService } from '@chairtime/identity';
import { dataSourceFor } from './migrations';
import { seedDemoClinic } from './seed-demo';

/** What a seed run created, so callers (and tests) can see that a second run adds nothing. */
export interface SeedResult {
  created: string[];
}

/** Demo sign-ins (DEMO_SEED only; never in production, which config refuses). */
export const DEMO_PASSWORD = 'chairtime-demo-password';
export const DEMO_USERS = {
  scheduler: 'scheduler@demo.chairtime.dev',
  nurse: 'nurse@demo.chairtime.dev',
  clinician: 'clinician@demo.chairtime.dev',
  patient: 'patient@demo.chairtime.dev',
} as const;

/**
 * Idempotent start-up data: the admin from ADMIN_EMAIL and, with DEMO_SEED, a demo clinic with
 * chairs, hours, shifts and one user per role. Everything is looked up before it is created, under
 * an advisory lock so the API and worker starting together cannot seed twice.
 */
export async function seed(config: AppConfig, clock: Clock = new SystemClock()): Promise<SeedResult> {
  const ds = await dataSourceFor(config.databaseUrl).initialize();
  try {
    const result = await seedWith(ds, config, clock);
    for (const line of result.created) process.stdout.write(`seed: ${line}\n`);
    return result;
  } finally {
    await ds.destroy();
  }
}

/** The seed against an open data source (tests call this directly). */
export async function seedWith(ds: DataSource, config: AppConfig, clock: Clock): Promise<SeedResult> {
  const passwords = new PasswordService();
  const created: string[] = [];
  await ds.transaction(async (em) => {
    await em.query("SELECT pg_advisory_xact_lock(hashtext('chairtime-seed'))");
    if (config.adminEmail && config.adminPassword) {
      const id = await ensureUser(em, passwords, config.adminEmail, config.adminPassword, 'admin', [], null);
      if (id) created.push(`admin ${config.adminEmail} created`);
    }
    if (!config.demoSeed) return;
    const demo = await seedDemoClinic(em, clock);
    if (demo.created) created.push(`demo clinic "${demo.clinicName}" with 6 chairs and 28 days of shifts`);
    if (demo.day) created.push(demo.day);
    const staff: [string, UserRole][] = [
      [DEMO_USERS.scheduler, 'scheduler'],
      [DEMO_USERS.nurse, 'nurse'],
      [DEMO_USERS.clinician, 'clinician'],
    ];
    for (const [email, role] of staff) {
      if (await ensureUser(em, passwords, email, DEMO_PASSWORD, role, [demo.clinicId], null)) {
        created.push(`demo ${role} ${email} / ${DEMO_PASSWORD}`);
      }
    }
    if (await ensureUser(em, passwords, DEMO_USERS.patient, DEMO_PASSWORD, 'patient', [demo.clinicId], demo.patientId)) {
      created.push(`demo patient ${DEMO_USERS.patient} / ${DEMO_PASSWORD}`);
    }
  });
  return { created };
}

/** Creates the user when no account has this email (any case); returns the new id or null. */
async function ensureUser(
  em: EntityManager,
  passwords: PasswordService,
  email: string,
  password: string,
  role: UserRole,
  clinicIds: string[],
  patientId: string | null,
): Promise<string | null> {
  const existing = await em.getRepository(AppUser).createQueryBuilder('u').where('lower(u.email) = lower(:email)', { email }).getOne();
  if (existing) return null;
  const user = await em.save(
    em.create(AppUser, {
      email,
      passwordHash: await passwords.hash(password),
      role,
      patientId,
      disabled: false,
    }),
  );
  if (clinicIds.length)
    await em.insert(
      UserClinic,
      clinicIds.map((clinicId) => ({ userId: user.id, clinicId })),
    );
  return user.id;
}
