/// <reference types="node" />
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { bearer } from '../test/support/auth';
import { newClinic, startCoursesApi } from '../test/support/courses-factories';
import { blocksFor, layoutDays, seriesVisits } from './support/series-layout';
import { pct } from './support/stats';

/**
 * Series-booking benchmark: 32 concurrent clients book non-conflicting 6-visit IV-induction
 * series (POST /v1/courses/:id/bookings) on a 32-chair clinic for ~10 s, against the API booted
 * in-process (the real ApiModule, clock frozen before the booked weeks). Then pgbench inserts the
 * same 6 rows per transaction into a scratch table with the same exclusion constraint: the raw
 * ceiling of the database, so `ratio` says how much of it the whole booking path keeps.
 *
 * Series s of a clinic open 00:00–24:00 (UTC, no DST): chair s % 32, a 90-minute slot of the day,
 * Mon/Wed/Fri or Tue/Thu/Sat of one of 8 two-week blocks — no two series share chair time.
 */

const CHAIRS = 32;
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const DURATION_MS = 10_000;
const SERIES = 4096;
const ZONE = 'UTC';
const FIRST_MONDAY = '2027-03-01';
const BLOCKS = blocksFor(SERIES, CHAIRS);

export async function run(): Promise<Record<string, number | string>> {
  const app = await startCoursesApi(new FixedClock(Date.parse('2027-02-26T00:00:00Z')));
  await app.listen(0);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const ds = app.get(DataSource);
  try {
    const clinic = await newClinic(ds, {
      zone: ZONE,
      chairs: CHAIRS,
      nurses: CHAIRS,
      fromDate: FIRST_MONDAY,
      days: layoutDays(BLOCKS),
      opens: '00:00',
      closes: '24:00',
    });
    // Patients and draft courses straight in SQL: the benchmark times booking, not course creation.
    const courses: { id: string }[] = await ds.query(
      `WITH p AS (
         INSERT INTO patient (clinic_id, given_name, family_name, birth_date, contact_preference)
         SELECT $1, 'Bench', 'Patient ' || g, DATE '1980-01-01', 'email' FROM generate_series(1, $2) g RETURNING id)
       INSERT INTO course (clinic_id, patient_id, protocol_key, protocol_version, status)
       SELECT $1, p.id, 'iv-induction', 1, 'draft' FROM p RETURNING id`,
      [clinic.id, SERIES],
    );
    const layout = { chairIds: clinic.chairIds, firstMonday: FIRST_MONDAY, blocks: BLOCKS, zone: ZONE };
    const auth = bearer(app, { role: Role.Scheduler, clinicIds: [clinic.id] }).Authorization;

    let next = 0;
    let ok = 0;
    let failed = 0;
    let firstFailure: string | undefined;
    const latencies: number[] = [];
    const started = performance.now();
    const deadline = started + DURATION_MS;
    const client = async () => {
      while (performance.now() < deadline && next < courses.length) {
        const s = next++;
        const t0 = performance.now();
        const res = await fetch(`${url}/v1/courses/${courses[s].id}/bookings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth },
          body: JSON.stringify({ visits: seriesVisits(s, layout) }),
        });
        const text = await res.text();
        latencies.push(performance.now() - t0);
        if (res.status === 201) ok++;
        else {
          failed++;
          firstFailure ??= `${res.status} ${text.slice(0, 300)}`;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const seriesPerSecond = ok / seconds;
    const raw = rawPgbench(process.env.DATABASE_URL ?? '');
    return {
      seriesPerSecond: Math.round(seriesPerSecond * 10) / 10,
      p50: Math.round(pct(latencies, 50) * 10) / 10,
      p99: Math.round(pct(latencies, 99) * 10) / 10,
      booked: ok,
      failed,
      ...(firstFailure ? { firstFailure } : {}),
      clients: CLIENTS,
      rawTps: typeof raw === 'number' ? Math.round(raw) : raw,
      ratio: typeof raw === 'number' && raw > 0 ? Math.round((seriesPerSecond / raw) * 1000) / 1000 : 'n/a',
    };
  } finally {
    await app.close();
  }
}

/** pgbench: 6 rows per transaction into a scratch table with the appointment's chair exclusion. */
function rawPgbench(databaseUrl: string): number | string {
  const bin = ['/usr/lib/postgresql/15/bin/pgbench', 'pgbench'].find((b) => b === 'pgbench' || existsSync(b)) ?? 'pgbench';
  const u = new URL(databaseUrl);
  const conn = ['-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres')];
  const db = u.pathname.slice(1);
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(u.password) };
  const setup = `DROP TABLE IF EXISTS bench_series;
    CREATE TABLE bench_series (id bigserial PRIMARY KEY, chair_id bigint NOT NULL, status text NOT NULL, chair_time tstzrange NOT NULL,
      CONSTRAINT bench_series_chair_no_overlap EXCLUDE USING gist (chair_id WITH =, chair_time WITH &&)
      WHERE (status IN ('held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged')));`;
  const dir = mkdtempSync(join(tmpdir(), 'ct-pgbench-'));
  const script = join(dir, 'series.sql');
  // Each transaction takes a fresh chair id, so like the API run nothing conflicts.
  const rows = [0, 2, 4, 7, 9, 11]
    .map(
      (d) =>
        `INSERT INTO bench_series (chair_id, status, chair_time) VALUES (:c, 'booked', tstzrange(TIMESTAMPTZ '2027-03-01 09:00Z' + interval '${d} days', TIMESTAMPTZ '2027-03-01 10:30Z' + interval '${d} days', '[)'));`,
    )
    .join('\n');
  writeFileSync(script, `\\set c random(1, 1000000000000)\nBEGIN;\n${rows}\nCOMMIT;\n`);
  const psql = spawnSync('psql', [...conn, '-d', db, '-v', 'ON_ERROR_STOP=1', '-c', setup], { env, encoding: 'utf8' });
  if (psql.status !== 0) return `psql failed: ${(psql.stderr || '').trim().split('\n')[0]}`;
  const r = spawnSync(bin, [...conn, '-n', '-c', String(CLIENTS), '-j', '4', '-T', '10', '-f', script, db], { env, encoding: 'utf8' });
  spawnSync('psql', [...conn, '-d', db, '-c', 'DROP TABLE IF EXISTS bench_series'], { env });
  const m = /tps = ([\d.]+)/.exec(r.stdout ?? '');
  return m ? Number(m[1]) : `pgbench failed: ${(r.stderr || r.stdout || '').trim().split('\n').slice(-1)[0]}`;
}
