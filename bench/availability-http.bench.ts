/// <reference types="node" />
import { DataSource } from 'typeorm';
import { addDays, FixedClock, localDateRange, localToInstant } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { bearer } from '../test/support/auth';
import { seedClinic, startSchedulingApi } from '../test/support/scheduling-factories';

/** The part of autocannon's API used here (the package ships no type declarations). */
interface AutocannonResult {
  latency: { p50: number; p99: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
}) => Promise<AutocannonResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

/**
 * Availability over HTTP: GET /v1/clinics/:id/availability for three weeks of iv-infusion slots,
 * against the real ApiModule booted in-process (clock frozen before the range). The clinic: 20
 * chairs, 8 nurses a day, open 07:00–19:00 in America/New_York over 21 days (spanning the
 * 2027-03-14 clock change), about 75% of chair time booked by a seeded PRNG. 20 concurrent
 * autocannon clients for ~10 s. Reports p50/p99 latency (ms) and requests per second: the cost of
 * loading capacity from Postgres plus the engine, which bench/availability.bench.ts times alone.
 */

const ZONE = 'America/New_York';
const FROM = '2027-03-01';
const DAYS = 21;
const CHAIRS = 20;
const NURSES = 8;
const CLIENTS = 20;
const DURATION_S = 10;
const CHAIR_MINUTES = 90;
const VISIT_MINUTES = 80;
const OPEN_MINUTES = 12 * 60;

/** mulberry32: a tiny seeded PRNG so every run sees the same clinic. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seedBookings(ds: DataSource, clinicId: string, chairIds: string[]): Promise<number> {
  const rand = prng(42);
  const rows: { chairId: string; start: number }[] = [];
  for (const date of localDateRange(FROM, addDays(FROM, DAYS - 1))) {
    const open = localToInstant(date, '07:00', ZONE);
    chairIds.forEach((chairId, c) => {
      // Chairs start at staggered offsets so the seeded starts respect the per-slot stagger.
      for (let m = (c % 6) * 15; m + CHAIR_MINUTES <= OPEN_MINUTES; m += CHAIR_MINUTES) {
        if (rand() < 0.8) rows.push({ chairId, start: open + m * 60_000 });
      }
    });
  }
  const patients = await ds.query<{ id: string }[]>(
    `INSERT INTO patient (clinic_id, given_name, family_name, birth_date, contact_preference)
     SELECT $1, 'Bench', 'Patient ' || g, DATE '1980-01-01', 'email' FROM generate_series(1, $2) g RETURNING id`,
    [clinicId, rows.length],
  );
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    await ds.query(
      `INSERT INTO appointment (clinic_id, patient_id, kind, chair_id, starts_at, ends_at, chair_released_at, chair_time, visit_time, status, ride_status)
       SELECT $1, p, 'iv-infusion', c, s, s + $5::interval, s + $6::interval, tstzrange(s, s + $6::interval, '[)'), tstzrange(s, s + $5::interval, '[)'), 'booked', 'confirmed'
       FROM unnest($2::uuid[], $3::uuid[], $4::timestamptz[]) AS t(p, c, s)`,
      [
        clinicId,
        batch.map((_, j) => patients[i + j].id),
        batch.map((r) => r.chairId),
        batch.map((r) => new Date(r.start)),
        `${VISIT_MINUTES} minutes`,
        `${CHAIR_MINUTES} minutes`,
      ],
    );
  }
  return rows.length;
}

export async function run(): Promise<{ name: string; p50: number; p99: number; rps: number; [k: string]: number | string }> {
  const app = await startSchedulingApi(new FixedClock(Date.parse('2027-02-26T00:00:00Z')));
  await app.listen(0);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  try {
    const ds = app.get(DataSource);
    const clinic = await seedClinic(ds, {
      zone: ZONE,
      chairs: CHAIRS,
      nurses: NURSES,
      clinicians: 0,
      fromDate: FROM,
      days: DAYS,
      opens: '07:00',
      closes: '19:00',
    });
    const booked = await seedBookings(ds, clinic.id, clinic.chairIds);
    const auth = bearer(app, { role: Role.Scheduler, clinicIds: [clinic.id] }).Authorization;
    const target = `${url}/v1/clinics/${clinic.id}/availability?kind=iv-infusion&from=${FROM}&to=${addDays(FROM, DAYS - 1)}`;
    const probe = await fetch(target, { headers: { authorization: auth } });
    const slots = ((await probe.json()) as { slots?: unknown[] }).slots?.length ?? -1;
    const result = await autocannon({ url: target, connections: CLIENTS, duration: DURATION_S, headers: { authorization: auth } });
    const utilization = (booked * CHAIR_MINUTES) / (CHAIRS * DAYS * OPEN_MINUTES);
    return {
      name: 'availability-http',
      p50: result.latency.p50,
      p99: result.latency.p99,
      rps: Math.round(result.requests.average * 10) / 10,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors,
      slots,
      bookedShare: Math.round(utilization * 100) / 100,
    };
  } finally {
    await app.close();
  }
}
