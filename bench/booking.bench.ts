/// <reference types="node" />
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { JobName, JobPayloads } from '@chairtime/jobs';
import { PlanMessagesHandler } from '@chairtime/messaging';
import { Role } from '@chairtime/identity';
import { storedBearer } from '../test/support/auth';
import { newClinic, startCoursesApi } from '../test/support/courses-factories';
import { blocksFor, layoutDays, SeriesLayout, seriesVisits } from './support/series-layout';
import { seedHistory } from './support/history';
import { postgresCpuMs, postgresCpuSince } from './support/postgres-cpu';
import { pct } from './support/stats';
import { servingApi } from './support/serving-api';

/**
 * Series-booking benchmark: 32 concurrent clients book non-conflicting 6-visit IV-induction
 * series (POST /v1/courses/:id/bookings) on a 32-chair clinic for ~10 s, against the compiled API
 * in its own process (below). A ~5 s warm-up window books another such clinic first
 * ({@link WARM_UP_MS}). The single clinic after it is the headline figure, and the hardest: the 32
 * clients book 8 two-week blocks, and the four series of a block booked at once take the same
 * hours on four chairs, so they share nurse capacity (they take the same clinic-time locks, and
 * each one's capacity load reads the others' visits). A second ~10 s window (`BENCH_CLINICS`,
 * default 4; 1 skips it) spreads the same 32 clients over that many clinics of the same layout, as
 * a network of clinics books; its figures carry the clinic count in their names. A third window
 * books one clinic again with its concurrent series at different hours (`…SpreadHours`): what one
 * clinic does when its bookers do not all want the same hours. Then pgbench inserts the same 6
 * rows per transaction into a scratch table with the same exclusion constraint: the raw
 * ceiling of the database, so `ratio` says how much of it the whole booking path keeps.
 *
 * The closed loop's 32 clients make its p50 equal to 32 ÷ throughput, so its p99 measures the
 * machine as much as the code. After the three closed windows an **open-loop** window books one
 * more clinic (same hours) with series arriving as a Poisson process at half the headline
 * window's throughput, latency counted from each request's intended send time
 * (`openLoopP50`/`openLoopP99`; target p99 ≤ 250 ms).
 *
 * Each clinic has 60 days of past visits (two per chair per day) and the tables are ANALYZEd
 * before the window, as a clinic in service is (bench/support/history.ts). The load generator
 * posts with node:http on keep-alive connections (0.3–0.6 CPU ms per request in the ninth run,
 * 1.5–1.7 on a slower machine where fetch() took 3.6, from the two cores the API and Postgres
 * share). Figures per series: the API's CPU (`cpuMsPerSeries`), the CPU of the Postgres backends
 * serving it (`postgresCpuMsPerSeries`), each also for the other two windows (suffixed like their
 * latencies), and the load generator's (`loadGenCpuMsPerSeries`, with the API in its own process).
 *
 * A booking leaves its visits' messages to the worker (one plan-messages job per series): after
 * the windows, up to 400 of those jobs run through the worker's handler in-process, and their CPU
 * per series is reported (`planCpuMsPerSeries`, `planPostgresCpuMsPerSeries`) — the rest of what a
 * series costs.
 *
 * The HTTP load goes to the compiled API (`dist/`, built by `npm run bench`) in its own process,
 * so the load generator does not share the API's event loop, and is a process apart from the API
 * as pgbench's clients are from Postgres; the in-process app only seeds and signs tokens (same
 * database and JWT secret). `BENCH_API=in-process` serves the load from that app instead (the
 * load generator's 0.3–0.5 CPU ms per request then comes out of the API's one thread). Those runs
 * also report `roundTripsPerSeries` (statements sent to Postgres per request) and, with
 * `BENCH_CPU_PROF=<file>`, write a CPU profile of the timed window only. `BENCH_API_NODE_ARGS`
 * passes Node flags to the API process (`--cpu-prof --cpu-prof-dir=…` profiles it).
 * `BENCH_TRACE=<prefix>` writes each window's requests to `<prefix>.<window>` (start ms into the
 * window, latency ms, status; the window's wall-clock start first): a p99 made by a stall of
 * every request at once looks different there from one made by a queue.
 *
 * Series s of a clinic open 00:00–24:00 (UTC, no DST): chair s % 32, a 90-minute slot of the day,
 * Mon/Wed/Fri or Tue/Thu/Sat of one of 8 two-week blocks — no two series share chair time.
 */

const CHAIRS = 32;
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
/** Clinics of the second window (1 skips it): a network books many clinics at once. */
const CLINICS = Number(process.env.BENCH_CLINICS ?? 4);
const DURATION_MS = 10_000;
/**
 * The warm-up window before the timed ones: a fresh API process and fresh pool connections first
 * compile their code paths, fill each Postgres backend's catalog caches and prepare each statement
 * (a generic plan after five runs) — costs a serving API has long paid. Run first, the headline
 * window once carried them: 7.6 API and 7.2 Postgres CPU ms per series against 4.1–4.4 and
 * 5.2–5.5 in the windows after it. The warm-up is reported too (`cold…`).
 */
const WARM_UP_MS = 5_000;
const SERIES = 4096;
const ZONE = 'UTC';
const FIRST_MONDAY = '2027-03-01';
const API_PORT = 3950;
const BLOCKS = blocksFor(SERIES, CHAIRS);
/** Days of past visits each clinic has (two per chair per day) before the booked weeks. */
const HISTORY_DAYS = 60;

/** Counts statements the in-process app sends to Postgres (every query goes through pg's Client). */
function countQueries(): { count: () => number; stop: () => void } {
  const proto = Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  let n = 0;
  proto.query = function (this: unknown, ...a: unknown[]) {
    n++;
    return original.apply(this, a);
  };
  return { count: () => n, stop: () => (proto.query = original) };
}

/**
 * CPU milliseconds the API process used so far: on a shared machine the CPU a series costs says
 * more than series per second. In-process this includes the load generator.
 */
function cpuMs(pid: number | undefined): number {
  if (pid === undefined) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  // /proc/<pid>/stat fields 14 and 15: user and system time in clock ticks (100 per second).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU profile of the timed window (not of seeding or pgbench) when BENCH_CPU_PROF names a file. */
async function profileWindow(): Promise<() => Promise<void>> {
  const file = process.env.BENCH_CPU_PROF;
  if (!file) return async () => {};
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/** One timed window: `CLIENTS` clients book the given courses' series, round-robin over the clinics. */
interface Window {
  seriesPerSecond: number;
  p50: number;
  p99: number;
  booked: number;
  failed: number;
  firstFailure?: string;
  cpuPerSeries: number;
  /** CPU ms of this process per request, when the API runs in its own (the load generator alone). */
  loadGenCpuPerSeries: number | null;
  /** CPU ms of the Postgres backends serving the API per request. */
  pgCpuPerSeries: number;
  roundTrips: number | null;
}

/**
 * Seeds `clinics` clinics of the same layout (each with SERIES / clinics draft courses) and books
 * for `durationMs`. Series s goes to clinic s % clinics, as series ⌊s / clinics⌋ of its layout, so
 * every clinic's series spread over its own blocks.
 */
async function bookWindow(
  app: Awaited<ReturnType<typeof startCoursesApi>>,
  url: string,
  pid: number | undefined,
  clinics: number,
  spreadHours = false,
  durationMs = DURATION_MS,
): Promise<Window> {
  const ds = app.get(DataSource);
  const seeded: { clinicId: string; layout: SeriesLayout; courses: { id: string }[] }[] = [];
  for (let c = 0; c < clinics; c++) {
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
      [clinic.id, Math.ceil(SERIES / clinics)],
    );
    await seedHistory(ds, clinic.id, clinic.chairIds, FIRST_MONDAY, HISTORY_DAYS);
    seeded.push({
      clinicId: clinic.id,
      layout: { chairIds: clinic.chairIds, firstMonday: FIRST_MONDAY, blocks: BLOCKS, zone: ZONE, spreadHours },
      courses,
    });
  }
  const auth = (await storedBearer(app, { role: Role.Scheduler, clinicIds: seeded.map((c) => c.clinicId) })).Authorization;
  await settleWrites(ds);

  // One connection per client, kept open: like pgbench's clients on the raw side. A new agent per
  // window: a connection left idle while the next clinic is seeded outlives the server's keep-alive
  // timeout, and a request sent on it as the server closes it fails ("socket hang up").
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  const latencies: number[] = [];
  const trace: string[] | null = process.env.BENCH_TRACE ? [] : null;
  const queries = pid === undefined ? countQueries() : null;
  const stopProfile = await profileWindow();
  const pgBefore = await postgresCpuMs(ds, 'chairtime-api');
  const loadBefore = pid === undefined ? null : cpuMs(undefined);
  const cpuBefore = cpuMs(pid);
  const started = performance.now();
  const deadline = started + durationMs;
  const client = async () => {
    while (performance.now() < deadline && next < SERIES) {
      const s = next++;
      const { layout, courses } = seeded[s % clinics];
      const n = Math.floor(s / clinics);
      const t0 = performance.now();
      const res = await post(
        agent,
        `${url}/v1/courses/${courses[n].id}/bookings`,
        auth,
        JSON.stringify({ visits: seriesVisits(n, layout) }),
      );
      const text = res.text;
      latencies.push(performance.now() - t0);
      trace?.push(`${Math.round(t0 - started)} ${Math.round(performance.now() - t0)} ${res.status}`);
      if (res.status === 201) ok++;
      else {
        failed++;
        firstFailure ??= `${res.status} ${text.slice(0, 300)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  agent.destroy();
  if (trace) {
    // The window's start on the wall clock first, to line the requests up with vmstat or Postgres's log.
    const startedAt = new Date(Date.now() - (performance.now() - started)).toISOString();
    writeFileSync(
      `${process.env.BENCH_TRACE}.${clinics}-clinics${spreadHours ? '-spread' : ''}-${durationMs}ms`,
      `# ${startedAt}\n${trace.join('\n')}\n`,
    );
  }
  const seconds = (performance.now() - started) / 1000;
  const requests = Math.max(1, ok + failed);
  const cpuPerSeries = (cpuMs(pid) - cpuBefore) / requests;
  const loadGenCpuPerSeries = loadBefore === null ? null : (cpuMs(undefined) - loadBefore) / requests;
  const pgCpuPerSeries = postgresCpuSince(pgBefore, await postgresCpuMs(ds, 'chairtime-api')) / requests;
  await stopProfile();
  queries?.stop();
  latencies.sort((a, b) => a - b);
  return {
    seriesPerSecond: ok / seconds,
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    booked: ok,
    failed,
    firstFailure,
    cpuPerSeries,
    loadGenCpuPerSeries,
    pgCpuPerSeries,
    roundTrips: queries ? queries.count() / Math.max(1, ok + failed) : null,
  };
}

/** What an open-loop window measured: latency from each request's intended send time. */
interface OpenWindow {
  /** Arrivals per second asked for (half the same run's closed-loop throughput). */
  rate: number;
  sent: number;
  booked: number;
  failed: number;
  p50: number;
  p99: number;
  /** How late the load generator sent, p99 ms: a late sender would hide queueing, so it is reported. */
  sendLagP99: number;
}

/**
 * Open-loop window: series requests arrive at a fixed `rate` as a Poisson process (exponential
 * gaps from a seeded generator, so two runs ask for the same arrivals), whatever the API's answers
 * are doing, and each latency is measured from the request's *intended* send time — a request
 * that waits behind a slow one counts its wait, which a closed loop hides by sending less
 * (coordinated omission). This is the latency a clinic's users feel at a load the API keeps up
 * with; the closed loop's p50 is only 32 ÷ throughput. One clinic at the same hours, as the
 * headline closed-loop window.
 */
async function openLoopWindow(
  app: Awaited<ReturnType<typeof startCoursesApi>>,
  url: string,
  rate: number,
  durationMs = DURATION_MS,
): Promise<OpenWindow> {
  const ds = app.get(DataSource);
  const clinic = await newClinic(ds, {
    zone: ZONE,
    chairs: CHAIRS,
    nurses: CHAIRS,
    fromDate: FIRST_MONDAY,
    days: layoutDays(BLOCKS),
    opens: '00:00',
    closes: '24:00',
  });
  const count = Math.min(SERIES, Math.ceil((rate * durationMs) / 1000) + 64);
  const courses: { id: string }[] = await ds.query(
    `WITH p AS (
       INSERT INTO patient (clinic_id, given_name, family_name, birth_date, contact_preference)
       SELECT $1, 'Bench', 'Patient ' || g, DATE '1980-01-01', 'email' FROM generate_series(1, $2) g RETURNING id)
     INSERT INTO course (clinic_id, patient_id, protocol_key, protocol_version, status)
     SELECT $1, p.id, 'iv-induction', 1, 'draft' FROM p RETURNING id`,
    [clinic.id, count],
  );
  await seedHistory(ds, clinic.id, clinic.chairIds, FIRST_MONDAY, HISTORY_DAYS);
  const layout: SeriesLayout = { chairIds: clinic.chairIds, firstMonday: FIRST_MONDAY, blocks: BLOCKS, zone: ZONE, spreadHours: false };
  const auth = (await storedBearer(app, { role: Role.Scheduler, clinicIds: [clinic.id] })).Authorization;
  await settleWrites(ds);

  // No cap on sockets: an arrival never waits for a free connection in the generator.
  const agent = new Agent({ keepAlive: true });
  let seed = 0x2545f491;
  const uniform = () => {
    // xorshift32: reproducible arrivals without a dependency.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return ((seed >>> 0) + 1) / 4294967297;
  };
  const gap = () => -Math.log(uniform()) * (1000 / rate);
  const arrivals: number[] = [];
  for (let t = gap(); t < durationMs && arrivals.length < count; t += gap()) arrivals.push(t);
  const latencies: number[] = [];
  const lags: number[] = [];
  let booked = 0;
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let n = 0; n < arrivals.length; n++) {
    const due = started + arrivals[n];
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    lags.push(Math.max(0, performance.now() - due));
    inFlight.push(
      post(agent, `${url}/v1/courses/${courses[n].id}/bookings`, auth, JSON.stringify({ visits: seriesVisits(n, layout) })).then(
        (res) => {
          latencies.push(performance.now() - due);
          if (res.status === 201) booked++;
          else failed++;
        },
        () => {
          latencies.push(performance.now() - due);
          failed++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  return { rate, sent: arrivals.length, booked, failed, p50: pct(latencies, 50), p99: pct(latencies, 99), sendLagP99: pct(lags, 99) };
}

/**
 * Writes the seeding out before a timed window: CHECKPOINT flushes Postgres's dirty buffers and
 * fsyncs them, `sync` whatever else the machine has left to write back. Otherwise tens of megabytes
 * of seeded rows (and, early in a session, a fresh `npm ci`) reach the disk during the window, and
 * each commit's WAL flush waits behind them. Seen 1 s into a window, its clinic seeded just before
 * (52 MB/s written in that second): I/O wait rose to 25% and every request in flight stalled
 * together for 0.6 s, which alone made that window's p99 (589 ms, against 147 and 204 in the two
 * windows before it). CHECKPOINT needs superuser or the pg_checkpoint role; without it the
 * window runs without.
 */
async function settleWrites(ds: DataSource): Promise<void> {
  await ds.query('CHECKPOINT').catch(() => undefined);
  spawnSync('sync');
}

const r1 = (n: number): number => Math.round(n * 10) / 10;

/**
 * POSTs JSON over node:http with a keep-alive agent. The load generator shares the machine's two
 * cores with the API and Postgres: fetch() cost it about 3.6 CPU ms per request, CPU the system
 * under test did not get; this costs a fraction of that.
 */
function post(agent: Agent, url: string, authorization: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function run(): Promise<Record<string, number | string>> {
  const app = await startCoursesApi(new FixedClock(Date.parse('2027-02-26T00:00:00Z')));
  const { url, child, pid } = await servingApi(app, API_PORT);
  try {
    // The headline figure is ONE clinic (clients queue on its clinic-time locks); then the
    // same load over CLINICS clinics, as a network of clinics books.
    const cold = await bookWindow(app, url, pid, 1, false, WARM_UP_MS);
    const one = await bookWindow(app, url, pid, 1);
    const spread = CLINICS > 1 ? await bookWindow(app, url, pid, CLINICS) : null;
    // One clinic again, its concurrent series at different hours: no shared nurse capacity to queue on.
    const hours = await bookWindow(app, url, pid, 1, true);
    // Open loop at half the headline window's throughput: the latency users feel (issue: p99 of a
    // closed loop measures the machine's throughput, not the wait).
    const open = await openLoopWindow(app, url, Math.max(1, one.seriesPerSecond / 2));
    // The child's connections would leave pgbench's 32 clients short of connection slots.
    await child?.stop();
    const planning = await deferredPlanning(app);
    const raw = rawPgbench(process.env.DATABASE_URL ?? '');
    const failed = cold.failed + one.failed + (spread?.failed ?? 0) + hours.failed + open.failed;
    const firstFailure = cold.firstFailure ?? one.firstFailure ?? spread?.firstFailure ?? hours.firstFailure;
    return {
      seriesPerSecond: r1(one.seriesPerSecond),
      p50: r1(one.p50),
      p99: r1(one.p99),
      booked: one.booked,
      failed: one.failed,
      ...(spread
        ? {
            clinics: CLINICS,
            [`seriesPerSecond${CLINICS}Clinics`]: r1(spread.seriesPerSecond),
            [`p50${CLINICS}Clinics`]: r1(spread.p50),
            [`p99${CLINICS}Clinics`]: r1(spread.p99),
            [`failed${CLINICS}Clinics`]: spread.failed,
            [`cpuMsPerSeries${CLINICS}Clinics`]: r1(spread.cpuPerSeries),
            [`postgresCpuMsPerSeries${CLINICS}Clinics`]: r1(spread.pgCpuPerSeries),
          }
        : {}),
      openLoopRate: r1(open.rate),
      openLoopSent: open.sent,
      openLoopFailed: open.failed,
      openLoopP50: r1(open.p50),
      openLoopP99: r1(open.p99),
      openLoopSendLagP99: r1(open.sendLagP99),
      seriesPerSecondSpreadHours: r1(hours.seriesPerSecond),
      p50SpreadHours: r1(hours.p50),
      p99SpreadHours: r1(hours.p99),
      failedSpreadHours: hours.failed,
      cpuMsPerSeriesSpreadHours: r1(hours.cpuPerSeries),
      postgresCpuMsPerSeriesSpreadHours: r1(hours.pgCpuPerSeries),
      ...(firstFailure ? { firstFailure } : {}),
      // The child logs only warnings and errors: its first one says why a request failed.
      ...(child && failed > 0
        ? { apiError: (/.*(unhandled error|transient database failure).*/.exec(child.output)?.[0] ?? '').slice(0, 400) }
        : {}),
      coldSeriesPerSecond: r1(cold.seriesPerSecond),
      coldP99: r1(cold.p99),
      coldFailed: cold.failed,
      coldCpuMsPerSeries: r1(cold.cpuPerSeries),
      coldPostgresCpuMsPerSeries: r1(cold.pgCpuPerSeries),
      clients: CLIENTS,
      api: child ? 'process' : 'in-process',
      cpuMsPerSeries: r1(one.cpuPerSeries),
      postgresCpuMsPerSeries: r1(one.pgCpuPerSeries),
      ...(one.loadGenCpuPerSeries !== null ? { loadGenCpuMsPerSeries: r1(one.loadGenCpuPerSeries) } : {}),
      ...(one.roundTrips !== null ? { roundTripsPerSeries: r1(one.roundTrips) } : {}),
      planJobs: planning.jobs,
      planJobsPerSecond: r1(planning.perSecond),
      planCpuMsPerSeries: r1(planning.cpuPerJob),
      planPostgresCpuMsPerSeries: r1(planning.pgCpuPerJob),
      rawTps: typeof raw === 'number' ? Math.round(raw) : raw,
      ratio: typeof raw === 'number' && raw > 0 ? Math.round((one.seriesPerSecond / raw) * 1000) / 1000 : 'n/a',
      ratioSpreadHours: typeof raw === 'number' && raw > 0 ? Math.round((hours.seriesPerSecond / raw) * 1000) / 1000 : 'n/a',
      ...(spread && typeof raw === 'number' && raw > 0
        ? { [`ratio${CLINICS}Clinics`]: Math.round((spread.seriesPerSecond / raw) * 1000) / 1000 }
        : {}),
    };
  } finally {
    await child?.stop();
    await app.close();
  }
}

/** How many of the windows' plan-messages jobs {@link deferredPlanning} runs. */
const PLAN_JOBS = 400;

/**
 * The booking's deferred half: each series booked above left one plan-messages job (its visits'
 * 42 messages, ride checks and send jobs, written by the worker). Runs up to PLAN_JOBS of them
 * through the worker's handler in-process, four at a time (the worker's workflows concurrency is
 * higher), and reports the Node and Postgres CPU each took: what a series costs in all is the
 * booking's figures plus these.
 */
async function deferredPlanning(
  app: Awaited<ReturnType<typeof startCoursesApi>>,
): Promise<{ jobs: number; perSecond: number; cpuPerJob: number; pgCpuPerJob: number }> {
  const ds = app.get(DataSource);
  const handler = app.get(PlanMessagesHandler);
  const jobs = await ds.query<{ payload: JobPayloads[JobName.PlanMessages] }[]>(
    `SELECT payload FROM outbox_entry WHERE job_name = $1 AND done_at IS NULL ORDER BY id LIMIT $2`,
    [JobName.PlanMessages, PLAN_JOBS],
  );
  const pgBefore = await postgresCpuMs(ds, 'chairtime-api');
  const cpuBefore = cpuMs(undefined);
  const started = performance.now();
  let next = 0;
  const run = async () => {
    while (next < jobs.length) await handler.handle(jobs[next++].payload);
  };
  await Promise.all(Array.from({ length: 4 }, run));
  const seconds = (performance.now() - started) / 1000;
  // The rest are closed unplanned (relayed and done): a later benchmark's worker (the messages
  // benchmark shares the run's database) would otherwise relay them and plan thousands of series
  // inside its own figures.
  await ds.query(
    `UPDATE outbox_entry SET done_at = now(), relayed_at = coalesce(relayed_at, now()) WHERE job_name = $1 AND done_at IS NULL`,
    [JobName.PlanMessages],
  );
  const n = Math.max(1, jobs.length);
  return {
    jobs: jobs.length,
    perSecond: jobs.length / seconds,
    cpuPerJob: (cpuMs(undefined) - cpuBefore) / n,
    pgCpuPerJob: postgresCpuSince(pgBefore, await postgresCpuMs(ds, 'chairtime-api')) / n,
  };
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
