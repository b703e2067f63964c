/// <reference types="node" />
import { createServer } from 'node:net';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { addDays } from '@chairtime/domain';
import { JobName } from '@chairtime/jobs';
import { buildDataSourceOptions } from '@chairtime/persistence';
import { ENTITIES, MIGRATIONS } from '@chairtime/persistence/registry';
import { AppProcess } from '../test/support/processes';
import { newClinic, TestClinic } from '../test/support/courses-factories';
import { newUser } from '../test/support/identity-factories';
import { blocksFor, layoutDays, SeriesLayout, seriesVisits } from './support/series-layout';
import { CountingSmsProvider } from './support/sms-provider';
import { pct } from './support/stats';

/**
 * Scale-out proof (issue #8): 2 compiled API processes and 3 compiled worker processes against one
 * PostgreSQL and one Redis (same DATABASE_URL, REDIS_URL, QUEUE_PREFIX) book SERIES six-visit
 * IV-induction series from a load generator and send their messages through a local SMS provider.
 *
 * Setup: four 32-chair clinics open around the clock (UTC) for series on chosen slots, and one
 * 16-chair clinic (New York hours) for series booked from `POST /courses/:id/plans`; patients who
 * want SMS; a scheduler who logs in through the API; and, through the API, a message plan of one
 * `booking-confirmation` 5 seconds after booking, so every booked visit's message falls due
 * during the run. Load: CLIENTS concurrent clients, requests round-robin over both APIs, each
 * series `POST /courses` → (`POST /courses/:id/plans` →) `POST /courses/:id/bookings`. Every
 * 97th chosen series is a deliberate conflict: two patients' courses book the same chair time at
 * once, one through each API — exactly one must win. Planned series retry the next plan on 409.
 *
 * Then it waits until no message is left to send and checks in SQL and at the SMS provider:
 * no overlapping active visits per chair or per patient, every course 0 or 6 booked visits, one
 * message per booked visit, each sent once (message rows = send_ledger rows = distinct keys =
 * provider requests = distinct idempotency tokens; provider ids unique). Any non-zero count makes
 * `violations` non-zero and the run exit non-zero. Peak RSS of every API and worker process is
 * their `VmHWM`, read before they stop.
 */

const SERIES = Number(process.env.SCALE_OUT_SERIES ?? 5000);
const CLIENTS = Number(process.env.SCALE_OUT_CLIENTS ?? 32);
const APIS = 2;
const WORKERS = 3;
/** Clinics for series on chosen slots, and their chairs. */
const LAYOUT_CLINICS = 4;
const CHAIRS = 32;
/** One series in PLANNED_EVERY goes through the planner instead of chosen slots. */
const PLANNED_EVERY = 20;
/** One chosen series in PAIR_EVERY is raced by a second patient for the same chair time (prime: pairs spread over the clinics). */
const PAIR_EVERY = 97;
const PLAN_ROUNDS = 3;
const PLAN_ENTRY = { kind: 'booking-confirmation', visitKinds: ['iv-infusion'], offset: 'PT5S', anchor: 'booking' };
const DRAIN_TIMEOUT_MS = Number(process.env.SCALE_OUT_DRAIN_SECONDS ?? 900) * 1000;
const ACTIVE = `('held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged')`;

type Task = { kind: 'chosen'; index: number; pair: boolean } | { kind: 'planned'; index: number };

/** The load mix: every PLANNED_EVERY-th series planned, the rest on chosen slots, some of them raced. */
function tasks(): Task[] {
  const out: Task[] = [];
  let chosen = 0;
  let planned = 0;
  for (let k = 0; k < SERIES; k++) {
    if (k % PLANNED_EVERY === PLANNED_EVERY / 2) out.push({ kind: 'planned', index: planned++ });
    else {
      out.push({ kind: 'chosen', index: chosen, pair: chosen % PAIR_EVERY === 48 });
      chosen++;
    }
  }
  return out;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** The first Monday at least a week ahead: every visit of the run lies in the future. */
function firstMonday(): string {
  const start = DateTime.utc().plus({ days: 7 }).startOf('day');
  const monday = start.startOf('week');
  return (monday < start ? monday.plus({ weeks: 1 }) : monday).toISODate() as string;
}

/** Patients who want SMS (phone, consent), inserted in bulk: the benchmark times booking, not registration. */
async function smsPatients(ds: DataSource, clinicId: string, count: number): Promise<string[]> {
  const rows = await ds.query<{ id: string }[]>(
    `INSERT INTO patient (clinic_id, given_name, family_name, birth_date, phone, contact_preference, consent)
     SELECT $1, 'Bench', 'Patient ' || g, DATE '1980-01-01', '+1555' || lpad(g::text, 7, '0'), 'sms', '{"sms": true, "email": false}'
     FROM generate_series(1, $2) g RETURNING id`,
    [clinicId, count],
  );
  return rows.map((r) => r.id);
}

interface Outcome {
  status: number;
  body: { id?: string; plans?: { visits: unknown[] }[]; accessToken?: string };
}

/** The load generator's HTTP side: round-robin over the APIs, latency and error bookkeeping. */
class Load {
  private next = 0;
  bookLatencies: number[] = [];
  errors = 0;
  firstError: string | undefined;

  constructor(
    private readonly urls: string[],
    private readonly auth: string,
  ) {}

  /** The API for the next request: requests alternate between the processes. */
  api(): string {
    return this.urls[this.next++ % this.urls.length];
  }

  /** One request; a 5xx, an unexpected status or a broken connection is counted, never thrown. */
  async call(method: string, path: string, body: unknown, base = this.api()): Promise<Outcome> {
    const t0 = performance.now();
    let status = 0;
    let text: string;
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: this.auth },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      text = String(e);
    }
    if (path.endsWith('/bookings')) this.bookLatencies.push(performance.now() - t0);
    if (![200, 201, 409].includes(status)) {
      this.errors++;
      this.firstError ??= `${method} ${path.replace(/[0-9a-f-]{36}/g, ':id')} → ${status} ${text.slice(0, 300)}`;
      return { status, body: {} };
    }
    return { status, body: JSON.parse(text) as Outcome['body'] };
  }

  /** A draft iv-induction course, or null when the API failed (counted in `errors`). */
  async course(patientId: string, clinicId: string, base?: string): Promise<string | null> {
    const r = await this.call('POST', '/v1/courses', { patientId, clinicId, protocolKey: 'iv-induction' }, base);
    return r.status === 201 && r.body.id ? r.body.id : null;
  }
}

/** Runs the scale-out proof and returns its figures and correctness counts. */
export async function run(): Promise<Record<string, number | string>> {
  const ds = new DataSource(
    buildDataSourceOptions({ databaseUrl: process.env.DATABASE_URL as string, entities: ENTITIES, migrations: MIGRATIONS, poolSize: 4 }),
  );
  await ds.initialize();
  const sms = new CountingSmsProvider();
  const procs: AppProcess[] = [];
  try {
    // ---- capacity, patients and a scheduler ----
    const monday = firstMonday();
    const all = tasks();
    const chosen = all.filter((t) => t.kind === 'chosen').length;
    const planned = all.length - chosen;
    const perClinic = Math.ceil(chosen / LAYOUT_CLINICS);
    // At least 8 two-week blocks: with two day patterns a block, 4 clinics give 64 disjoint sets of
    // clinic-day locks, more than the clients, so the load measures booking rather than lock queues.
    const blocks = Math.max(blocksFor(perClinic, CHAIRS), 8);
    const layouts: (SeriesLayout & { clinic: TestClinic })[] = [];
    for (let c = 0; c < LAYOUT_CLINICS; c++) {
      const clinic = await newClinic(ds, {
        zone: 'UTC',
        chairs: CHAIRS,
        nurses: CHAIRS,
        fromDate: monday,
        days: layoutDays(blocks),
        opens: '00:00',
        closes: '24:00',
        settings: { quietHours: { from: '00:00', to: '00:00' } },
      });
      layouts.push({ clinic, chairIds: clinic.chairIds, firstMonday: monday, blocks, zone: 'UTC' });
    }
    const planClinic = await newClinic(ds, {
      zone: 'America/New_York',
      chairs: 16,
      nurses: 16,
      fromDate: monday,
      days: 12 * 7,
      opens: '08:00',
      closes: '20:00',
      settings: { quietHours: { from: '00:00', to: '00:00' } },
    });
    const clinicIds = [...layouts.map((l) => l.clinic.id), planClinic.id];
    // One patient per course: the twin of a raced pair is another patient of the same clinic.
    const patients = new Map<string, string[]>();
    const twins = Math.ceil(chosen / PAIR_EVERY);
    for (const l of layouts) patients.set(l.clinic.id, await smsPatients(ds, l.clinic.id, perClinic + twins));
    patients.set(planClinic.id, await smsPatients(ds, planClinic.id, planned));
    const takePatient = (clinicId: string): string => {
      const id = patients.get(clinicId)!.pop();
      if (!id) throw new Error('out of patients');
      return id;
    };
    const user = await newUser(ds, { role: 'scheduler', clinicIds });

    // ---- the processes: 2 APIs, 3 workers, one database, one Redis, one queue prefix ----
    const smsBase = await sms.start();
    const env = {
      DATABASE_URL: process.env.DATABASE_URL as string,
      REDIS_URL: process.env.REDIS_URL as string,
      QUEUE_PREFIX: process.env.QUEUE_PREFIX as string,
      NODE_ENV: 'test',
      DEMO_SEED: 'false',
      LOG_LEVEL: 'warn',
      THROTTLE_LIMIT_PER_MINUTE: '1000000',
      ACCESS_TOKEN_TTL_SECONDS: '86400',
      SMS_BASE_URL: smsBase,
      SMS_ACCOUNT_SID: 'ACbench',
      SMS_AUTH_TOKEN: 'bench-token',
      SMS_FROM: '+15550001000',
    };
    const urls: string[] = [];
    for (let i = 0; i < APIS; i++) {
      const port = await freePort();
      procs.push(new AppProcess('api', { ...env, PORT: String(port) }));
      urls.push(`http://127.0.0.1:${port}`);
    }
    for (let i = 0; i < WORKERS; i++) procs.push(new AppProcess('worker', env));
    for (const p of procs) p.start();
    for (const p of procs) await p.waitForOutput(p.app === 'api' ? /listening on/ : /chairtime-worker running/, 60_000);

    const login = await fetch(`${urls[0]}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
    const load = new Load(urls, `Bearer ${((await login.json()) as { accessToken: string }).accessToken}`);
    for (const id of clinicIds) {
      const r = await load.call('PUT', `/v1/clinics/${id}/message-plan`, [PLAN_ENTRY]);
      if (r.status !== 200) throw new Error(`message plan refused: ${r.status}`);
    }

    // ---- the load ----
    let booked = 0;
    let pairs = 0;
    let pairsBothWon = 0;
    let pairsNoWinner = 0;
    let planRetries = 0;
    let plannedGaveUp = 0;
    const seriesLatencies: number[] = [];
    const chosenSeries = async (t: Extract<Task, { kind: 'chosen' }>): Promise<void> => {
      const layout = layouts[t.index % LAYOUT_CLINICS];
      const clinicId = layout.clinic.id;
      const visits = seriesVisits(Math.floor(t.index / LAYOUT_CLINICS), layout);
      if (!t.pair) {
        const course = await load.course(takePatient(clinicId), clinicId);
        if (course && (await load.call('POST', `/v1/courses/${course}/bookings`, { visits })).status === 201) booked++;
        return;
      }
      // Two patients, the same chair time, one request through each API at the same moment.
      const courses = await Promise.all(urls.map((u) => load.course(takePatient(clinicId), clinicId, u)));
      if (courses.includes(null)) return;
      pairs++;
      const results = await Promise.all(urls.map((u, i) => load.call('POST', `/v1/courses/${courses[i]}/bookings`, { visits }, u)));
      const won = results.filter((r) => r.status === 201).length;
      booked += won;
      if (won === 2) pairsBothWon++;
      if (won === 0) pairsNoWinner++;
    };
    const plannedSeries = async (t: Extract<Task, { kind: 'planned' }>): Promise<void> => {
      const course = await load.course(takePatient(planClinic.id), planClinic.id);
      if (!course) return;
      const earliestStart = addDays(monday, (t.index % 6) * 7);
      for (let round = 0; round < PLAN_ROUNDS; round++) {
        const r = await load.call('POST', `/v1/courses/${course}/plans`, { earliestStart, limit: 5 });
        for (const plan of r.body.plans ?? []) {
          const visits = plan.visits.map((v) => {
            const { sequence, startsAt, chairId } = v as { sequence: number; startsAt: string; chairId: string };
            return { sequence, startsAt, chairId };
          });
          const res = await load.call('POST', `/v1/courses/${course}/bookings`, { visits });
          if (res.status === 201) {
            booked++;
            return;
          }
          planRetries++;
        }
      }
      plannedGaveUp++;
    };

    let nextTask = 0;
    const started = performance.now();
    const client = async (): Promise<void> => {
      while (nextTask < all.length) {
        const t = all[nextTask++];
        const t0 = performance.now();
        await (t.kind === 'chosen' ? chosenSeries(t) : plannedSeries(t));
        seriesLatencies.push(performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const bookingSeconds = (performance.now() - started) / 1000;

    // ---- wait until every due message is processed ----
    const drainStarted = performance.now();
    // Messages still to send, and plan-messages jobs still to run (each plans a booking's messages).
    const scheduled = async (): Promise<number> =>
      (
        await ds.query<{ n: number }[]>(
          `SELECT (SELECT count(*)::int FROM message WHERE clinic_id = ANY($1) AND status = 'scheduled')
                + (SELECT count(*)::int FROM outbox_entry WHERE clinic_id = ANY($1) AND job_name = $2 AND done_at IS NULL) AS n`,
          [clinicIds, JobName.PlanMessages],
        )
      )[0].n;
    while ((await scheduled()) > 0 && performance.now() - drainStarted < DRAIN_TIMEOUT_MS) await new Promise((r) => setTimeout(r, 500));
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    const totalSeconds = (performance.now() - started) / 1000;
    const apiRss = procs.filter((p) => p.app === 'api').map((p) => p.peakRssMb() ?? 0);
    const workerRss = procs.filter((p) => p.app === 'worker').map((p) => p.peakRssMb() ?? 0);

    // ---- correctness, in SQL and at the provider ----
    const [counts] = await ds.query<Record<string, number>[]>(
      `SELECT
         (SELECT count(*)::int FROM appointment a JOIN appointment b
            ON a.chair_id = b.chair_id AND a.id < b.id AND a.chair_time && b.chair_time
          WHERE a.clinic_id = ANY($1) AND a.status IN ${ACTIVE} AND b.status IN ${ACTIVE}) AS "chairDoubleBookings",
         (SELECT count(*)::int FROM appointment a JOIN appointment b
            ON a.patient_id = b.patient_id AND a.id < b.id AND a.visit_time && b.visit_time
          WHERE a.clinic_id = ANY($1) AND a.status IN ${ACTIVE} AND b.status IN ${ACTIVE}) AS "patientDoubleBookings",
         (SELECT count(*)::int FROM (
            SELECT count(a.id) FILTER (WHERE a.status = 'booked') AS n FROM course c LEFT JOIN appointment a ON a.course_id = c.id
            WHERE c.clinic_id = ANY($1) GROUP BY c.id) s WHERE n NOT IN (0, 6)) AS "partialSeries",
         (SELECT count(*)::int FROM (
            SELECT 1 FROM appointment WHERE clinic_id = ANY($1) AND status = 'booked' GROUP BY course_id HAVING count(*) = 6) s) AS "seriesInDb",
         (SELECT count(*)::int FROM appointment WHERE clinic_id = ANY($1) AND status = 'booked') AS "visits",
         (SELECT count(*)::int FROM message WHERE clinic_id = ANY($1)) AS "messages",
         (SELECT count(*)::int FROM message WHERE clinic_id = ANY($1) AND status = 'sent') AS "sent",
         (SELECT count(DISTINCT provider_id)::int FROM message WHERE clinic_id = ANY($1) AND status = 'sent') AS "providerIds",
         (SELECT count(*)::int FROM send_ledger l JOIN message m ON m.id = l.message_id WHERE m.clinic_id = ANY($1)) AS "ledgerRows",
         (SELECT count(DISTINCT l.message_id)::int FROM send_ledger l JOIN message m ON m.id = l.message_id WHERE m.clinic_id = ANY($1))
           AS "ledgerMessages"`,
      [clinicIds],
    );
    const [lateness] = await ds.query<{ p50: number | null; p99: number | null }[]>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - send_at)) AS p50,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - send_at)) AS p99
       FROM message WHERE clinic_id = ANY($1) AND status = 'sent'`,
      [clinicIds],
    );
    const c = counts;
    const checks = {
      chairDoubleBookings: c.chairDoubleBookings,
      patientDoubleBookings: c.patientDoubleBookings,
      partialSeries: c.partialSeries,
      pairsBothWon,
      /** A 201 whose series is not in the database, or a series booked without a 201. */
      bookedMismatch: Math.abs(c.seriesInDb - booked),
      /** The plan has one entry for iv-infusion visits: one message per booked visit. */
      messagesMissing: Math.abs(c.visits - c.messages),
      messagesNotSent: c.messages - c.sent,
      duplicateSends: c.ledgerRows - c.ledgerMessages + (c.sent - c.providerIds) + (sms.requests - sms.tokens.size),
      ledgerMismatch: Math.abs(c.sent - c.ledgerRows) + Math.abs(c.sent - sms.requests) + sms.rejected,
    };
    const violations = Object.values(checks).reduce((a, b) => a + b, 0);
    seriesLatencies.sort((a, b) => a - b);
    load.bookLatencies.sort((a, b) => a - b);
    const round1 = (n: number) => Math.round(n * 10) / 10;
    const result = {
      apis: APIS,
      workers: WORKERS,
      clients: CLIENTS,
      series: SERIES,
      booked,
      seriesPerSecond: round1(booked / bookingSeconds),
      seriesP50Ms: Math.round(pct(seriesLatencies, 50)),
      seriesP99Ms: Math.round(pct(seriesLatencies, 99)),
      bookP50Ms: Math.round(pct(load.bookLatencies, 50)),
      bookP99Ms: Math.round(pct(load.bookLatencies, 99)),
      bookingSeconds: round1(bookingSeconds),
      drainSeconds: round1(drainSeconds),
      totalSeconds: round1(totalSeconds),
      conflictPairs: pairs,
      /** Pairs where neither booking got through (a server error, not a double booking). */
      pairsNoWinner,
      /** 5xx or unexpected statuses: measured, not a correctness violation (see firstError). */
      serverErrors: load.errors,
      plannedSeries: planned,
      planRetries,
      plannedGaveUp,
      messagesSent: c.sent,
      smsProviderRequests: sms.requests,
      latenessP50Seconds: round1(Number(lateness.p50 ?? 0)),
      latenessP99Seconds: round1(Number(lateness.p99 ?? 0)),
      ...checks,
      violations,
      apiPeakRssMb: Math.max(...apiRss),
      workerPeakRssMb: Math.max(...workerRss),
      apiPeakRssMbEach: apiRss.join('/'),
      workerPeakRssMbEach: workerRss.join('/'),
      ...(load.firstError ? { firstError: load.firstError } : {}),
    };
    if (violations > 0) process.stderr.write(`[scale-out] correctness violations: ${JSON.stringify(checks)}\n`);
    return result;
  } finally {
    for (const p of procs) await p.stop();
    await sms.stop();
    await ds.destroy();
  }
}
