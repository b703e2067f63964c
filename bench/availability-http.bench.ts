/// <reference types="node" />
import { DataSource } from 'typeorm';
import { addDays, FixedClock, localDateRange, localToInstant } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { storedBearer } from '../test/support/auth';
import { seedClinic, startSchedulingApi } from '../test/support/scheduling-factories';
import { servingApi } from './support/serving-api';

/** The part of autocannon's API used here (the package ships no type declarations). */
interface AutocannonResult {
  latency: { p50: number; p99: number };
  requests: { average: number; total: number };
  non2xx: number;
  '3xx': number;
  errors: number;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  headers: Record<string, string>;
  requests?: { setupRequest: (req: { path: string }) => { path: string } }[];
}) => Promise<AutocannonResult>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as Autocannon;

/**
 * Availability over HTTP: GET /v1/clinics/:id/availability for three weeks of iv-infusion slots,
 * against the real ApiModule booted in-process (clock frozen before the range). The clinic: 20
 * chairs, 8 nurses a day, open 07:00–19:00 in America/New_York over 21 days (spanning the
 * 2027-03-14 clock change), about 75% of chair time booked by a seeded PRNG. 20 concurrent
 * autocannon clients.
 *
 * Two runs, because answers are cached per process:
 * - warm (`p50`, `p99`, `rps`): the same query repeated for ~10 s — served from the cache after
 *   the first request (the version check is still one Postgres round trip per request);
 * - cold (`coldP50`, `coldP99`, `coldRps`): every request a different range, so every request
 *   misses the cache and loads capacity from Postgres plus runs the engine. The ranges widen the
 *   21 days by up to 35 days on each side, all of them closures, so each costs the same work.
 * `cpuMsWarm` / `cpuMsCold`: the answering process's CPU time per request over sequential
 * requests (with `BENCH_API=in-process` the fetch client's is included), steadier than latency on
 * a shared machine. `cpuMsWarmLoaded`: the same during the warm run's 20 clients — what bounds the
 * warm p99 once the code is warmed up.
 * `notModified*`: the warm run again with `If-None-Match` naming the answer's ETag (a client that
 * has the slots already): 304s, so the version check and the pipeline without the 161 KB body.
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
/** Closed days added before and after the 21 open days; ranges for the cold run reach into them. */
const PAD_DAYS = 35;
const CPU_SAMPLES = 100;
/** Requests of the cold run: enough for a p99 without running minutes on a slow machine. */
const COLD_REQUESTS = 600;
const API_PORT = 3951;

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
  // In-process, the load generator parses every 161 KB answer on the API's own event loop.
  const { url, child } = await servingApi(app, API_PORT);
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
    const last = addDays(FROM, DAYS - 1);
    await ds.query(
      `INSERT INTO closure (clinic_id, start_date, end_date, reason) VALUES ($1, $2, $3, 'bench padding'), ($1, $4, $5, 'bench padding')`,
      [clinic.id, addDays(FROM, -PAD_DAYS), addDays(FROM, -1), addDays(last, 1), addDays(last, PAD_DAYS)],
    );
    const auth = (await storedBearer(app, { role: Role.Scheduler, clinicIds: [clinic.id] })).Authorization;
    const path = (from: string, to: string) => `/v1/clinics/${clinic.id}/availability?kind=iv-infusion&from=${from}&to=${to}`;
    const target = `${url}${path(FROM, last)}`;
    const probe = await fetch(target, { headers: { authorization: auth } });
    const slots = ((await probe.json()) as { slots?: unknown[] }).slots?.length ?? -1;

    // Every (before, after) padding pair is a distinct cache key with the same 21 open days.
    const rand = prng(7);
    const coldPaths: string[] = [];
    for (let before = 0; before <= PAD_DAYS; before++) {
      for (let after = 0; after <= PAD_DAYS; after++)
        if (before + after > 0) coldPaths.push(path(addDays(FROM, -before), addDays(last, after)));
    }
    for (let i = coldPaths.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [coldPaths[i], coldPaths[j]] = [coldPaths[j], coldPaths[i]];
    }
    // CPU of the process that answers: the child alone, or this process (load generator included).
    const cpuNow = (): number => {
      if (child) return child.cpuMs() ?? 0;
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    const cpuMs = async (paths: string[]) => {
      const before = cpuNow();
      for (const p of paths) await (await fetch(`${url}${p}`, { headers: { authorization: auth } })).arrayBuffer();
      return Math.round(((cpuNow() - before) / paths.length) * 100) / 100;
    };
    const cpuMsCold = await cpuMs(coldPaths.slice(0, CPU_SAMPLES));
    const cpuMsWarm = await cpuMs(Array.from({ length: CPU_SAMPLES }, () => path(FROM, last)));

    const loadedBefore = cpuNow();
    const warm = await autocannon({ url: target, connections: CLIENTS, duration: DURATION_S, headers: { authorization: auth } });
    const cpuMsWarmLoaded = Math.round(((cpuNow() - loadedBefore) / Math.max(1, warm.requests.total)) * 100) / 100;
    const etag = probe.headers.get('etag');
    const notModified = etag
      ? await autocannon({
          url: target,
          connections: CLIENTS,
          duration: DURATION_S,
          headers: { authorization: auth, 'if-none-match': etag },
        })
      : null;
    let next = CPU_SAMPLES;
    const cold = await autocannon({
      url: target,
      connections: CLIENTS,
      amount: Math.min(COLD_REQUESTS, coldPaths.length - CPU_SAMPLES),
      headers: { authorization: auth },
      requests: [{ setupRequest: (req) => ({ ...req, path: coldPaths[next++] }) }],
    });
    const utilization = (booked * CHAIR_MINUTES) / (CHAIRS * DAYS * OPEN_MINUTES);
    return {
      name: 'availability-http',
      api: child ? 'process' : 'in-process',
      p50: warm.latency.p50,
      p99: warm.latency.p99,
      rps: Math.round(warm.requests.average * 10) / 10,
      requests: warm.requests.total,
      coldP50: cold.latency.p50,
      coldP99: cold.latency.p99,
      coldRps: Math.round(cold.requests.average * 10) / 10,
      coldRequests: cold.requests.total,
      cpuMsWarm,
      cpuMsWarmLoaded,
      cpuMsCold,
      notModifiedP50: notModified?.latency.p50 ?? -1,
      notModifiedP99: notModified?.latency.p99 ?? -1,
      notModifiedRps: notModified ? Math.round(notModified.requests.average * 10) / 10 : -1,
      // Requests of that run that were not a 304 (must be 0).
      notModifiedMissed: notModified ? notModified.requests.total - notModified['3xx'] : -1,
      non2xx: warm.non2xx + cold.non2xx,
      errors: warm.errors + cold.errors,
      slots,
      bookedShare: Math.round(utilization * 100) / 100,
    };
  } finally {
    await child?.stop();
    await app.close();
  }
}
