import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { Clock } from '@chairtime/domain';
import { QueueName } from '@chairtime/jobs';
import { Role } from '@chairtime/identity';
import { PATIENT_NOTIFIER, TaskService } from '@chairtime/clinical';
import {
  deferredSendJobId,
  ExpireMessagesHandler,
  MessageLinks,
  RideCheckHandler,
  SendMessageHandler,
  sendJobId,
  UrgentNotifierService,
} from '@chairtime/messaging';
import { ReconcileHandler } from '../../apps/worker/src/maintenance.handlers';
import { asStaff } from '../support/auth';
import { seedClinic, seedPatient, SchedClinic, startSchedulingApi } from '../support/scheduling-factories';
import { planBookedMessages, startWorker, waitFor } from '../support/messaging-factories';

/** Real time shifted so that "now" can be put anywhere around a visit. */
class ShiftedClock implements Clock {
  delta = 0;
  now(): number {
    return Date.now() + this.delta;
  }
  set(instant: number): void {
    this.delta = instant - Date.now();
  }
}

/**
 * A Twilio-shaped SMS provider whose answer depends on the recipient: `ok` (201 with a sid),
 * `fail400` (refused for good), `fail503` (unavailable), `hang` (no answer; the socket is closed
 * after 3 s), `hold` (answers 201 once the test releases it).
 */
class FakeSms {
  readonly seen: { to: string; at: number }[] = [];
  readonly modes = new Map<string, 'ok' | 'fail400' | 'fail503' | 'hang' | 'hold'>();
  private release: () => void = () => undefined;
  private held = new Promise<void>((r) => (this.release = r));
  server!: Server;

  constructor(private readonly clock: Clock) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const to = new URLSearchParams(body).get('To') ?? '';
        this.seen.push({ to, at: this.clock.now() });
        const mode = this.modes.get(to) ?? 'ok';
        const ok = () => {
          res.writeHead(201, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ sid: `SM-${this.seen.length}` }));
        };
        if (mode === 'ok') ok();
        else if (mode === 'hold') void this.held.then(ok);
        else if (mode === 'hang') setTimeout(() => res.destroy(), 3_000);
        else {
          res.writeHead(mode === 'fail400' ? 400 : 503, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ message: `The 'To' number ${to} is not valid` }));
        }
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  releaseHeld(): void {
    this.release();
  }

  to(phone: string): number {
    return this.seen.filter((s) => s.to === phone).length;
  }

  async stop(): Promise<void> {
    this.releaseHeld();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

const ZONE = 'America/New_York';
const HOUR = 3_600_000;
/** A BullMQ job as the worker hands it over: first attempt of five, 5 s exponential backoff. */
const firstAttempt = { opts: { attempts: 5, backoff: { type: 'exponential', delay: 5_000 } }, attemptsMade: 0 } as unknown as Job;

describe('every message ends: not-after, failures, quiet hours, cancel vs send (real Postgres, Redis)', () => {
  const clock = new ShiftedClock();
  const sms = new FakeSms(clock);
  let api: INestApplication;
  let worker: INestApplicationContext | undefined;
  let ds: DataSource;
  let open: SchedClinic;
  let quiet: SchedClinic;
  let handler: SendMessageHandler;
  let smsEnv: Record<string, string>;
  let phones = 0;
  let slot = 0;

  /** 10:00 (or `time`) on a day `days` ahead in the clinic's zone, a fresh one each call. */
  const startAt = (days: number, time = '10:00'): number =>
    DateTime.fromISO(
      `${DateTime.now()
        .setZone(ZONE)
        .plus({ days: days + slot++ })
        .toISODate()}T${time}`,
      { zone: ZONE },
    ).toMillis();

  beforeAll(async () => {
    api = await startSchedulingApi(clock);
    ds = api.get(DataSource);
    const today = DateTime.now().setZone(ZONE).toISODate() as string;
    const common = { fromDate: today, days: 40, chairs: 4, nurses: 4, opens: '00:00', closes: '24:00' };
    open = await seedClinic(ds, { ...common, settings: { quietHours: { from: '00:00', to: '00:00' }, requireScreeningApproval: false } });
    quiet = await seedClinic(ds, { ...common, settings: { quietHours: { from: '21:00', to: '08:00' }, requireScreeningApproval: false } });
    const base = await sms.start();
    smsEnv = { SMS_BASE_URL: base, SMS_ACCOUNT_SID: 'AC1', SMS_AUTH_TOKEN: 'tok', SMS_FROM: '+15550000000', SMS_TIMEOUT_MS: '500' };
    const config = api.get<AppConfig>(APP_CONFIG);
    handler = new SendMessageHandler(
      ds,
      clock,
      { ...config, sms: { baseUrl: base, accountSid: 'AC1', authToken: 'tok', from: '+15550000000', timeoutMs: 500 } },
      api.get(MessageLinks),
      api.get(TaskService),
    );
    for (const c of [open, quiet]) {
      await request(api.getHttpServer())
        .put(`/v1/clinics/${c.id}/message-plan`)
        .set(asStaff(api, Role.Scheduler, c.id))
        .send([
          { kind: 'ride-request', visitKinds: ['iv-infusion'], offset: '-PT2H', anchor: 'start' },
          { kind: 'reminder', visitKinds: ['iv-infusion'], offset: '-PT1H', anchor: 'start' },
          { kind: 'preparation', visitKinds: ['iv-infusion'], offset: '-PT48H', anchor: 'start' },
        ])
        .expect(200);
    }
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sms.stop();
  });

  /** A patient reached by SMS at a number of their own, answered by the fake provider as `mode`. */
  const smsPatient = async (
    clinic: SchedClinic,
    mode: Parameters<FakeSms['modes']['set']>[1] = 'ok',
  ): Promise<{ id: string; phone: string }> => {
    const id = await seedPatient(ds, clinic.id);
    const phone = `+1555${String(1_000_000 + phones++).padStart(7, '0')}`;
    await ds.query(`UPDATE patient SET phone = $2, contact_preference = 'sms', consent = '{"sms": true, "email": false}' WHERE id = $1`, [
      id,
      phone,
    ]);
    sms.modes.set(phone, mode);
    return { id, phone };
  };
  /** Books a visit at `start` (the clock put `lead` before it) and plans its messages as the worker would. */
  const book = async (clinic: SchedClinic, patientId: string, start: number, lead = 3 * HOUR): Promise<string> => {
    clock.set(start - lead);
    const res = await request(api.getHttpServer())
      .post('/v1/appointments')
      .set(asStaff(api, Role.Scheduler, clinic.id))
      .send({ patientId, clinicId: clinic.id, kind: 'iv-infusion', startsAt: new Date(start).toISOString() });
    expect(res.status).toBe(201);
    await planBookedMessages(api);
    return res.body.id as string;
  };
  type Row = { id: string; status: string; error: string | null; provider_id: string | null; send_at: Date; not_after: Date };
  const message = async (appointmentId: string, kind: string): Promise<Row> =>
    (
      await ds.query<Row[]>(
        `SELECT id, status, error, provider_id, send_at, not_after FROM message WHERE appointment_id = $1 AND kind = $2 ORDER BY created_at`,
        [appointmentId, kind],
      )
    )[0];
  const tasks = (appointmentId: string) =>
    ds.query<{ kind: string; priority: string }[]>(`SELECT kind, priority FROM task WHERE appointment_id = $1 ORDER BY kind`, [
      appointmentId,
    ]);

  it('a reminder whose job runs after the visit began is expired, not sent (the "your visit is tomorrow" a week late)', async () => {
    const p = await smsPatient(open);
    const start = startAt(3);
    const id = await book(open, p.id, start);
    const reminder = await message(id, 'reminder');
    expect(reminder.not_after.getTime()).toBe(start);
    clock.set(start + 7 * 24 * HOUR);
    await handler.handle({ messageId: reminder.id }, firstAttempt);
    expect((await message(id, 'reminder')).status).toBe('expired');
    expect(sms.to(p.phone)).toBe(0);
  });

  it('a provider that fails until not-after: the message ends expired at the failure whose retry would be late', async () => {
    const p = await smsPatient(open, 'fail503');
    const start = startAt(3);
    const id = await book(open, p.id, start);
    const reminder = await message(id, 'reminder');
    // Three seconds before the start: the retry (5 s) would run after it.
    clock.set(start - 3_000);
    await handler.handle({ messageId: reminder.id }, firstAttempt);
    expect(await message(id, 'reminder')).toMatchObject({ status: 'expired', error: 'http-503' });
    expect(sms.to(p.phone)).toBe(1);
  });

  it('a transient failure with time left is retried (claim released); a permanent one fails with a task for a ride request', async () => {
    const p = await smsPatient(open, 'fail503');
    const start = startAt(3);
    const id = await book(open, p.id, start);
    const ride = await message(id, 'ride-request');
    clock.set(start - 2 * HOUR);
    await expect(handler.handle({ messageId: ride.id }, firstAttempt)).rejects.toThrow('http-503');
    expect(await message(id, 'ride-request')).toMatchObject({ status: 'scheduled', error: 'http-503' });
    sms.modes.set(p.phone, 'fail400');
    await handler.handle({ messageId: ride.id }, { ...firstAttempt, attemptsMade: 1 } as unknown as Job);
    expect(await message(id, 'ride-request')).toMatchObject({ status: 'failed', error: 'http-400' });
    expect(await tasks(id)).toEqual([{ kind: 'message-failed', priority: 'high' }]);
    expect(sms.to(p.phone)).toBe(2);
  });

  it('a provider call that times out is recorded sent-unconfirmed, raises a task and is never called again', async () => {
    const p = await smsPatient(open, 'hang');
    const start = startAt(3);
    const id = await book(open, p.id, start);
    const ride = await message(id, 'ride-request');
    clock.set(start - 2 * HOUR);
    await handler.handle({ messageId: ride.id }, firstAttempt);
    expect(await message(id, 'ride-request')).toMatchObject({ status: 'sent', error: 'timeout', provider_id: null });
    expect(await tasks(id)).toEqual([{ kind: 'message-failed', priority: 'high' }]);
    // A retry (another job for it, a redelivery) finds it ended: no second provider call.
    await handler.handle({ messageId: ride.id }, firstAttempt);
    expect(sms.to(p.phone)).toBe(1);
  });

  it('a cancel while the provider call is under way leaves the record saying sent, with the provider id', async () => {
    const p = await smsPatient(open, 'hold');
    const start = startAt(3);
    const id = await book(open, p.id, start);
    const reminder = await message(id, 'reminder');
    clock.set(start - HOUR);
    const sending = handler.handle({ messageId: reminder.id }, firstAttempt);
    await waitFor(async () => sms.to(p.phone) === 1, 10_000, 20);
    const cancelled = await request(api.getHttpServer())
      .post(`/v1/appointments/${id}/cancel`)
      .set(asStaff(api, Role.Scheduler, open.id))
      .send({ reason: 'test' });
    expect(cancelled.status).toBe(200);
    sms.releaseHeld();
    await sending;
    expect(await message(id, 'reminder')).toMatchObject({ status: 'sent', provider_id: expect.stringMatching(/^SM-/) });
    // The messages not claimed yet are superseded.
    expect((await message(id, 'ride-request')).status).toBe('superseded');
  });

  it('the T−24 h second ride request is planned at T−24 h, written once, and waits out quiet hours', async () => {
    const p = await smsPatient(quiet);
    // 07:30: T−24 h is 07:30 the day before, inside the patient's quiet hours (21:00–08:00).
    const start = startAt(5, '07:30');
    const id = await book(quiet, p.id, start, 3 * 24 * HOUR);
    const [{ version }] = await ds.query<{ version: number }[]>(`SELECT version FROM appointment WHERE id = $1`, [id]);
    const rides = new RideCheckHandler(ds, api.get(TaskService), clock);
    clock.set(start - 24 * HOUR);
    await rides.handle({ appointmentId: id, version, stage: 't-24h' });
    // The same stage again a moment later: a retry, or the job re-added after Redis lost it.
    clock.set(start - 24 * HOUR + 2_000);
    await rides.handle({ appointmentId: id, version, stage: 't-24h' });
    const rows = await ds.query<{ planned_at: Date; send_at: Date; status: string }[]>(
      `SELECT planned_at, send_at, status FROM message WHERE appointment_id = $1 AND kind = 'ride-second-request'`,
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].planned_at.getTime()).toBe(start - 24 * HOUR);
    expect(DateTime.fromJSDate(rows[0].send_at).setZone(ZONE).toFormat('HH:mm')).toBe('08:00');
    expect(rows[0].send_at.getTime()).toBeLessThan(start);
  });

  it('a send whose job runs in quiet hours (late) is deferred to their end with a job of its own, not sent', async () => {
    const p = await smsPatient(quiet);
    const start = startAt(5);
    const id = await book(quiet, p.id, start, 4 * 24 * HOUR);
    const prep = await message(id, 'preparation');
    expect(DateTime.fromJSDate(prep.send_at).setZone(ZONE).toFormat('HH:mm')).toBe('10:00');
    // The T−48 h preparation's job runs twelve hours late, at 22:00.
    clock.set(start - 48 * HOUR + 12 * HOUR);
    await handler.handle({ messageId: prep.id }, firstAttempt);
    const after = await message(id, 'preparation');
    expect(after.status).toBe('scheduled');
    expect(DateTime.fromJSDate(after.send_at).setZone(ZONE).toISO()).toBe(
      DateTime.fromMillis(start - 24 * HOUR, { zone: ZONE })
        .set({ hour: 8, minute: 0 })
        .toISO(),
    );
    const [job] = await ds.query<{ job_id: string; done_at: Date | null }[]>(`SELECT job_id, done_at FROM outbox_entry WHERE job_id = $1`, [
      deferredSendJobId(prep.id, after.send_at.getTime()),
    ]);
    expect(job).toEqual({ job_id: deferredSendJobId(prep.id, after.send_at.getTime()), done_at: null });
    expect(sms.to(p.phone)).toBe(0);
  });

  it('the sweep expires open messages past not-after and closes their send jobs', async () => {
    const p = await smsPatient(open);
    const start = startAt(3);
    const id = await book(open, p.id, start);
    clock.set(start + HOUR);
    const ended = await new ExpireMessagesHandler(ds, clock).sweep();
    expect(ended).toBeGreaterThanOrEqual(2);
    // The preparation (T−48 h) was already past at booking: skipped then.
    const rows = await ds.query<{ id: string; status: string; skip_reason: string }[]>(
      `SELECT id, status, skip_reason FROM message WHERE appointment_id = $1 AND kind <> 'preparation'`,
      [id],
    );
    expect(rows.map((r) => [r.status, r.skip_reason])).toEqual([
      ['expired', 'not-after'],
      ['expired', 'not-after'],
    ]);
    const [openJobs] = await ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM outbox_entry WHERE job_id = ANY($1) AND op = 'add' AND done_at IS NULL`,
      [rows.map((r) => sendJobId(r.id))],
    );
    expect(openJobs.n).toBe(0);
  });

  // Last: a worker relays and runs every open job of this file's database from here on.
  it('worker: a permanent failure of crisis resources ends failed, closes the outbox row and raises an urgent task', async () => {
    clock.delta = 0;
    worker = await startWorker(clock, smsEnv);
    const p = await smsPatient(open, 'fail400');
    const notifier = worker.get<UrgentNotifierService>(PATIENT_NOTIFIER, { strict: false });
    await ds.transaction((em) =>
      notifier.sendUrgent(em, { clinicId: open.id, patientId: p.id, kind: 'crisis-resources', reason: 'safety-escalation' }),
    );
    const row = async () =>
      (
        await ds.query<{ id: string; status: string; error: string }[]>(`SELECT id, status, error FROM message WHERE patient_id = $1`, [
          p.id,
        ])
      )[0];
    await waitFor(async () => (await row()).status === 'failed', 20_000);
    expect((await row()).error).toBe('http-400');
    const jobId = sendJobId((await row()).id);
    await waitFor(
      async () =>
        (await ds.query(`SELECT 1 FROM outbox_entry WHERE job_id = $1 AND op = 'add' AND done_at IS NOT NULL`, [jobId])).length === 1,
      10_000,
    );
    const raised = await ds.query<{ kind: string; priority: string }[]>(`SELECT kind, priority FROM task WHERE patient_id = $1`, [p.id]);
    expect(raised).toEqual([{ kind: 'message-failed', priority: 'urgent' }]);
    expect(sms.to(p.phone)).toBe(1);
  });

  it('worker: the reconciler never re-adds the job of an ended message or of one past its not-after', async () => {
    const p = await smsPatient(open);
    const start = startAt(3);
    // Booked with the clock a week back: the worker holds these jobs as delayed.
    const id = await book(open, p.id, start, 7 * 24 * HOUR);
    const rows = await ds.query<{ id: string; kind: string }[]>(`SELECT id, kind FROM message WHERE appointment_id = $1`, [id]);
    const queue = worker!.get<Queue>(getQueueToken(QueueName.Messages), { strict: false });
    await waitFor(async () => (await Promise.all(rows.map((m) => queue.getJob(sendJobId(m.id))))).every(Boolean));
    // One ended for good (as a final failure left it before this fix: outbox row still open), one past its not-after.
    const ended = rows.find((m) => m.kind === 'ride-request')!;
    const late = rows.find((m) => m.kind === 'reminder')!;
    await ds.query(`UPDATE message SET status = 'failed', error = 'http-400' WHERE id = $1`, [ended.id]);
    await ds.query(`UPDATE message SET not_after = $2 WHERE id = $1`, [late.id, new Date(clock.now() - 1000)]);
    // Redis loses both jobs (trimmed failed job, flushed Redis).
    for (const m of [ended, late]) await queue.remove(sendJobId(m.id));
    await worker!.get(ReconcileHandler, { strict: false }).reconcile();
    for (const m of [ended, late]) {
      expect(await queue.getJob(sendJobId(m.id))).toBeUndefined();
      const [row] = await ds.query<{ done_at: Date | null }[]>(`SELECT done_at FROM outbox_entry WHERE job_id = $1 AND op = 'add'`, [
        sendJobId(m.id),
      ]);
      expect(row.done_at).not.toBeNull();
    }
  });
});
