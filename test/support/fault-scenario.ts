import { INestApplication } from '@nestjs/common';
import { DateTime } from 'luxon';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '@chairtime/identity';
import { SystemClock } from '@chairtime/domain';
import { asStaff } from './auth';
import { AppProcess } from './processes';
import { scratchDatabase } from './scratch-database';
import { SchedClinic, seedClinic, seedPatient, startSchedulingApi } from './scheduling-factories';
import { planBookedMessages, waitFor } from './messaging-factories';

/** Real zones (DST ones among them) whose local hours together cover the day. */
const ZONES = [
  'Pacific/Honolulu',
  'America/Anchorage',
  'America/Los_Angeles',
  'America/Denver',
  'America/Chicago',
  'America/New_York',
  'America/Sao_Paulo',
  'Atlantic/Azores',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Helsinki',
  'Asia/Dubai',
  'Asia/Karachi',
  'Asia/Dhaka',
  'Asia/Bangkok',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Noumea',
  'Pacific/Auckland',
];
/**
 * The scenarios run on the real clock and book visits minutes ahead, and the seeded nurse shifts
 * end at the clinic's midnight: in a fixed zone, a run late in that zone's evening booked visits
 * running past the shift (409) and failed. So the clinic is in a zone where it is late morning
 * now, whatever time the run starts (a scenario lasts minutes).
 */
const ZONE = ZONES.map((zone) => ({ zone, hour: DateTime.now().setZone(zone).hour })).sort(
  (a, b) => Math.abs(a.hour - 10) - Math.abs(b.hour - 10),
)[0].zone;

/** What the message tables say after a fault: every planned message should be `sent` exactly once. */
export interface SendCounts {
  scheduled: number;
  sent: number;
  /** Neither sent nor scheduled (skipped, superseded, failed): a fault must not produce any. */
  other: number;
  ledger: number;
  /** Messages with more than one send-ledger row. */
  duplicates: number;
}

export interface ScenarioOptions {
  /** Redis of the API and the workers; the run's shared Redis by default. */
  redisUrl?: string;
  /** A PostgreSQL server of the fault's own, instead of the run's. */
  serverUrl?: string;
  visits: number;
  messagesPerVisit: number;
  /** Clinic settings override (e.g. a short hold). */
  holdMinutes?: number;
}

/**
 * The shared setup of the message faults: a scratch database, the real API in-process, a clinic
 * open around the clock without quiet hours, and a message plan whose offsets make real messages
 * come due seconds from now. Workers are the compiled app in child processes, so a fault can kill
 * them, skew their clock or point them at a Redis the test restarts.
 */
export class FaultScenario {
  readonly prefix = `{ct-fault-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}}`;
  readonly workers: AppProcess[] = [];
  api!: INestApplication;
  ds!: DataSource;
  clinic!: SchedClinic;
  private db!: { url: string; drop: () => Promise<void> };
  private schedulerAuth: Record<string, string> | null = null;

  private constructor(readonly options: ScenarioOptions) {}

  get total(): number {
    return this.options.visits * this.options.messagesPerVisit;
  }

  get redisUrl(): string {
    return this.options.redisUrl ?? process.env.REDIS_URL!;
  }

  static async start(options: ScenarioOptions): Promise<FaultScenario> {
    const s = new FaultScenario(options);
    s.db = await scratchDatabase(true, options.serverUrl);
    s.api = await startSchedulingApi(new SystemClock(), { DATABASE_URL: s.db.url, REDIS_URL: s.redisUrl, QUEUE_PREFIX: s.prefix });
    s.ds = s.api.get(DataSource);
    s.clinic = await seedClinic(s.ds, {
      zone: ZONE,
      fromDate: DateTime.now().setZone(ZONE).toISODate() as string,
      days: 2,
      chairs: options.visits,
      nurses: options.visits,
      opens: '00:00',
      closes: '24:00',
      settings: {
        quietHours: { from: '00:00', to: '00:00' },
        requireScreeningApproval: false,
        ...(options.holdMinutes ? { holdMinutes: options.holdMinutes } : {}),
      },
    });
    return s;
  }

  /** One scheduler for the whole scenario (an Idempotency-Key belongs to its user). */
  get scheduler(): Record<string, string> {
    this.schedulerAuth ??= asStaff(this.api, Role.Scheduler, this.clinic.id);
    return this.schedulerAuth;
  }

  /** The next grid start at least `minutesAhead` from now (visits may only start on the 15-minute grid). */
  visitStart(minutesAhead = 3): DateTime {
    const t = DateTime.now().setZone(ZONE).plus({ minutes: minutesAhead });
    return t.startOf('hour').plus({ minutes: Math.ceil((t.minute + 1) / 15) * 15 });
  }

  /**
   * Sets a message plan that makes message `i` of every visit starting at the returned time due
   * `firstDueS + i * spacingS` seconds from now.
   */
  async planMessages(firstDueS: number, spacingS = 1): Promise<DateTime> {
    const start = this.visitStart();
    const lead = Math.floor((start.toMillis() - Date.now()) / 1000);
    const plan = Array.from({ length: this.options.messagesPerVisit }, (_, i) => ({
      kind: 'reminder',
      visitKinds: ['iv-infusion'],
      offset: `-PT${lead - firstDueS - i * spacingS}S`,
      anchor: 'start',
    }));
    await request(this.api.getHttpServer()).put(`/v1/clinics/${this.clinic.id}/message-plan`).set(this.scheduler).send(plan).expect(200);
    return start;
  }

  /** The body of POST /v1/appointments for a new patient on chair `i` at `start`. */
  async appointment(i: number, start: DateTime): Promise<Record<string, string>> {
    const patientId = await seedPatient(this.ds, this.clinic.id);
    return {
      patientId,
      clinicId: this.clinic.id,
      kind: 'iv-infusion',
      startsAt: start.toUTC().toISO() as string,
      chairId: this.clinic.chairIds[i],
    };
  }

  /**
   * Books one visit per chair with {@link planMessages}' plan and leaves their messages to a
   * worker: each booking's plan-messages job waits in the outbox. Returns the visits' ids.
   */
  async bookVisitsForWorker(firstDueS: number, spacingS = 1): Promise<string[]> {
    const start = await this.planMessages(firstDueS, spacingS);
    const ids: string[] = [];
    for (let i = 0; i < this.options.visits; i++) {
      const res = await request(this.api.getHttpServer())
        .post('/v1/appointments')
        .set(this.scheduler)
        .send(await this.appointment(i, start))
        .expect(201);
      ids.push((res.body as { id: string }).id);
    }
    return ids;
  }

  /**
   * Books as {@link bookVisitsForWorker}, then runs the bookings' plan-messages jobs here, as a
   * worker would run them at once: for the faults that are about sending what was planned.
   * Returns how many messages were planned.
   */
  async bookVisits(firstDueS: number, spacingS = 1): Promise<number> {
    await this.bookVisitsForWorker(firstDueS, spacingS);
    await planBookedMessages(this.api);
    return (await this.counts()).scheduled;
  }

  /** Visits with messages planned, and the most messages any one visit has (a visit planned twice has twice the plan's). */
  async planned(): Promise<{ visits: number; mostPerVisit: number }> {
    const [row] = await this.ds.query(
      `SELECT count(*)::int AS visits, coalesce(max(n), 0)::int AS "mostPerVisit"
         FROM (SELECT appointment_id, count(*) AS n FROM message WHERE appointment_id IS NOT NULL GROUP BY appointment_id) m`,
    );
    return row;
  }

  async counts(): Promise<SendCounts> {
    const [row] = await this.ds.query(
      `SELECT count(*) FILTER (WHERE status = 'scheduled')::int AS scheduled,
              count(*) FILTER (WHERE status = 'sent')::int AS sent,
              count(*) FILTER (WHERE status NOT IN ('sent', 'scheduled'))::int AS other,
              (SELECT count(*)::int FROM send_ledger) AS ledger,
              (SELECT count(*)::int FROM (SELECT message_id FROM send_ledger GROUP BY message_id HAVING count(*) > 1) d) AS duplicates
         FROM message`,
    );
    return row;
  }

  /** Outbox rows (jobs) not yet handed to Redis. */
  async unrelayed(): Promise<number> {
    const [{ n }] = await this.ds.query(`SELECT count(*)::int AS n FROM outbox_entry WHERE relayed_at IS NULL`);
    return n;
  }

  /** Waits until every planned message is sent (or `timeoutMs` passes) and returns the counts. */
  async allSent(timeoutMs = 60_000): Promise<SendCounts> {
    await waitFor(async () => (await this.counts()).sent >= this.total, timeoutMs, 200).catch(() => undefined);
    return this.counts();
  }

  /** Starts a compiled worker against this scenario's database and Redis. */
  async startWorker(env: Record<string, string> = {}): Promise<AppProcess> {
    const worker = new AppProcess('worker', {
      DATABASE_URL: this.db.url,
      REDIS_URL: this.redisUrl,
      QUEUE_PREFIX: this.prefix,
      NODE_ENV: 'test',
      DEMO_SEED: 'false',
      ...env,
    });
    this.workers.push(worker);
    worker.start();
    // Generous: several fault tests start workers side by side on a busy machine.
    await worker.waitForOutput(/chairtime-worker running/, 60_000);
    return worker;
  }

  async close(): Promise<void> {
    for (const w of this.workers) await w.stop();
    await this.api?.close();
    await this.db?.drop();
  }
}

/** One line per fault in the test output: what was injected and the counts that prove nothing was lost or doubled. */
export function report(fault: string, facts: Record<string, unknown>): void {
  const parts = Object.entries(facts).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  process.stdout.write(`[fault] ${fault}: ${parts.join(' ')}\n`);
}
