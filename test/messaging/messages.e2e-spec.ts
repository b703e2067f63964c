import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DateTime } from 'luxon';
import request from 'supertest';
import { createServer, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { Clock } from '@chairtime/domain';
import { JobName, QueueName } from '@chairtime/jobs';
import { Role } from '@chairtime/identity';
import { issueActionToken, MessageLinks, planJobId, RideCheckHandler, sendJobId, UrgentNotifierService } from '@chairtime/messaging';
import { PATIENT_NOTIFIER } from '@chairtime/clinical';
import { ReconcileHandler } from '../../apps/worker/src/maintenance.handlers';
import { asPatient, asStaff } from '../support/auth';
import { seedClinic, seedPatient, SchedClinic, startSchedulingApi } from '../support/scheduling-factories';
import { messagesOf, planBookedMessages, setConsent, startWorker, waitFor } from '../support/messaging-factories';

/** Real time shifted so that "now" can be put seconds before a visit on the slot grid. */
class ShiftedClock implements Clock {
  delta = 0;
  now(): number {
    return Date.now() + this.delta;
  }
  /** Makes "now" `lead` ms before `instant`. */
  before(instant: number, lead: number): void {
    this.delta = instant - lead - Date.now();
  }
}

const ZONE = 'America/New_York';
const PLAN = [
  { kind: 'preparation', visitKinds: ['iv-infusion'], offset: '-PT6S', anchor: 'start' },
  { kind: 'reminder', visitKinds: ['iv-infusion'], offset: '-PT4S', anchor: 'start' },
  { kind: 'final-reminder', visitKinds: ['iv-infusion'], offset: '-PT2S', anchor: 'start' },
];

describe('messages: outbox → BullMQ → log channel (real Postgres, Redis and worker)', () => {
  const clock = new ShiftedClock();
  let api: INestApplication;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let clinic: SchedClinic;
  let sched: { Authorization: string };
  let slot = 0;
  /** A fresh slot-grid instant per visit, days ahead, so visits never overlap. */
  const nextStart = (): number =>
    DateTime.now()
      .setZone(ZONE)
      .plus({ days: 3 })
      .startOf('day')
      .plus({ hours: 1, minutes: 30 * slot++ })
      .toMillis();

  beforeAll(async () => {
    api = await startSchedulingApi(clock);
    ds = api.get(DataSource);
    const today = DateTime.now().setZone(ZONE).toISODate() as string;
    clinic = await seedClinic(ds, {
      fromDate: today,
      days: 10,
      chairs: 20,
      nurses: 20,
      opens: '00:00',
      closes: '24:00',
      settings: { quietHours: { from: '00:00', to: '00:00' }, requireScreeningApproval: false },
    });
    sched = asStaff(api, Role.Scheduler, clinic.id);
  });
  afterAll(async () => {
    await worker?.close();
    await api.close();
  });

  const book = async (patientId: string, startsAt: number): Promise<string> => {
    const res = await request(api.getHttpServer())
      .post('/v1/appointments')
      .set(sched)
      .send({ patientId, clinicId: clinic.id, kind: 'iv-infusion', startsAt: new Date(startsAt).toISOString() });
    expect(res.status).toBe(201);
    // What the worker does with the booking's plan-messages job (it may be running too: planning is idempotent).
    await planBookedMessages(api);
    return res.body.id as string;
  };
  const smsPatient = async (): Promise<string> => {
    const id = await seedPatient(ds, clinic.id);
    await setConsent(ds, id, { sms: true, email: true });
    return id;
  };

  it('PUT message-plan validates (400 with paths, nothing stored) and GET returns what was stored', async () => {
    const http = request(api.getHttpServer());
    const base = `/v1/clinics/${clinic.id}/message-plan`;
    const before = await http.get(base).set(sched);
    expect(before.status).toBe(200);
    expect(before.body.length).toBeGreaterThan(0);
    const bad = await http
      .put(base)
      .set(sched)
      .send([{ kind: 'reminder', visitKinds: ['iv-infusion'], offset: 'soon', anchor: 'start' }]);
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect((bad.body.errors as { path: string }[]).map((e) => e.path)).toContain('[0].offset');
    expect((await http.get(base).set(sched)).body).toEqual(before.body);
    const ok = await http.put(base).set(sched).send(PLAN);
    expect(ok.status).toBe(200);
    expect((await http.get(base).set(sched)).body).toEqual(PLAN);
    const stranger = await http.get(base).set(asStaff(api, Role.Scheduler, '00000000-0000-4000-8000-000000000000'));
    expect(stranger.status).toBe(404);
  });

  it('a reschedule supersedes the pending messages; a cancel leaves none to fire; no consent → skipped', async () => {
    const patient = await smsPatient();
    const start = nextStart();
    clock.before(start, 60_000);
    const id = await book(patient, start);
    expect((await messagesOf(ds, id)).map((m) => m.status)).toEqual(['scheduled', 'scheduled', 'scheduled']);
    const moved = await request(api.getHttpServer())
      .post(`/v1/appointments/${id}/reschedule`)
      .set(sched)
      .send({ startsAt: new Date(start + 15 * 60_000).toISOString() });
    expect(moved.status).toBe(200);
    const afterMove = await messagesOf(ds, id);
    expect(afterMove.filter((m) => m.status === 'superseded')).toHaveLength(3);
    expect(afterMove.filter((m) => m.status === 'scheduled')).toHaveLength(3);
    const cancelled = await request(api.getHttpServer()).post(`/v1/appointments/${id}/cancel`).set(sched).send({ reason: 'test' });
    expect(cancelled.status).toBe(200);
    expect((await messagesOf(ds, id)).filter((m) => m.status === 'scheduled')).toHaveLength(0);
    const jobIds = (await ds.query<{ id: string }[]>(`SELECT id FROM message WHERE appointment_id = $1`, [id])).map((m) => sendJobId(m.id));
    const [open] = await ds.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM outbox_entry WHERE job_id = ANY($1) AND op = 'add' AND done_at IS NULL`,
      [jobIds],
    );
    expect(Number(open.n)).toBe(0);

    // GET /v1/appointments/:id/messages: staff of the clinic or the patient themself; others 404.
    const list = (auth: { Authorization: string }) => request(api.getHttpServer()).get(`/v1/appointments/${id}/messages`).set(auth);
    const own = await list(asPatient(api, patient, clinic.id));
    expect(own.status).toBe(200);
    expect(own.body).toHaveLength(6);
    expect(own.body.every((m: { status: string }) => m.status === 'superseded')).toBe(true);
    expect((await list(asPatient(api, await seedPatient(ds, clinic.id), clinic.id))).status).toBe(404);
    expect((await list(asStaff(api, Role.Nurse, '00000000-0000-4000-8000-000000000000'))).status).toBe(404);

    const silent = await seedPatient(ds, clinic.id);
    await setConsent(ds, silent, { sms: false, email: false });
    const s2 = nextStart();
    clock.before(s2, 60_000);
    const quiet = await book(silent, s2);
    const rows = await messagesOf(ds, quiet);
    expect(rows.map((m) => [m.status, m.skip_reason])).toEqual([
      ['skipped', 'no-consent'],
      ['skipped', 'no-consent'],
      ['skipped', 'no-consent'],
    ]);
  });

  it('bookings made while Redis is unreachable wait in the outbox and go out, in order, once the worker runs', async () => {
    // The API's producer queues point at a closed port; bookings only write Postgres.
    const offline = await startSchedulingApi(clock, { REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const patient = await smsPatient();
      const start = nextStart();
      clock.before(start, 12_000);
      const res = await request(offline.getHttpServer())
        .post('/v1/appointments')
        .set(asStaff(offline, Role.Scheduler, clinic.id))
        .send({ patientId: patient, clinicId: clinic.id, kind: 'iv-infusion', startsAt: new Date(start).toISOString() });
      expect(res.status).toBe(201);
      const id = res.body.id as string;
      // The booking wrote one plan-messages job for the worker; its messages come from that job.
      const [pending] = await ds.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM outbox_entry WHERE job_name = $1 AND relayed_at IS NULL AND job_id = $2`,
        [JobName.PlanMessages, planJobId([id])],
      );
      expect(Number(pending.n)).toBe(1);
      expect(await messagesOf(ds, id)).toEqual([]);

      worker = await startWorker(clock);
      // The worker's send handler links waitlist offers through the waitlist module's source.
      expect(worker.get(MessageLinks).has('waitlist-offer')).toBe(true);
      await waitFor(async () => (await messagesOf(ds, id)).filter((m) => m.status === 'sent').length === 3, 30_000);
      const sent = await messagesOf(ds, id);
      const bySend = sent.map((m) => m.kind);
      const bySent = [...sent].sort((a, b) => (a.sent_at as Date).getTime() - (b.sent_at as Date).getTime()).map((m) => m.kind);
      expect(bySent).toEqual(bySend);
      const listed = await request(api.getHttpServer()).get(`/v1/appointments/${id}/messages`).set(sched);
      expect(listed.status).toBe(200);
      expect(listed.body.map((m: { status: string }) => m.status)).toEqual(['sent', 'sent', 'sent']);
      expect(listed.body[0]).toEqual(expect.objectContaining({ kind: 'preparation', channel: 'email', sentAt: expect.any(String) }));
    } finally {
      await offline.close();
    }
  });

  it('a duplicate send job (another job id) sends once: the ledger is the final guard', async () => {
    const patient = await smsPatient();
    const start = nextStart();
    clock.before(start, 9_000);
    const id = await book(patient, start);
    const [first] = await ds.query<{ id: string }[]>(`SELECT id FROM message WHERE appointment_id = $1 ORDER BY send_at LIMIT 1`, [id]);
    const queue = worker.get<Queue>(getQueueToken(QueueName.Messages), { strict: false });
    const dup = await queue.add(JobName.SendMessage, { messageId: first.id }, { jobId: `dup-${first.id}`, delay: 3_000 });
    await waitFor(async () => (await messagesOf(ds, id)).filter((m) => m.status === 'sent').length === 3, 30_000);
    await waitFor(async () => (await dup.getState()) === 'completed', 30_000);
    const [ledger] = await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM send_ledger WHERE message_id = $1`, [first.id]);
    expect(Number(ledger.n)).toBe(1);
  });

  it('after Redis loses the queue keys, the reconciler restores every pending message job', async () => {
    const patient = await smsPatient();
    const start = nextStart();
    clock.before(start, 3_600_000);
    const id = await book(patient, start);
    const ids = (await ds.query<{ id: string }[]>(`SELECT id FROM message WHERE appointment_id = $1`, [id])).map((r) => r.id);
    const queue = worker.get<Queue>(getQueueToken(QueueName.Messages), { strict: false });
    await waitFor(async () => (await Promise.all(ids.map((m) => queue.getJob(sendJobId(m))))).every(Boolean));
    const redis = new Redis(process.env.REDIS_URL as string);
    try {
      const prefix = process.env.QUEUE_PREFIX ?? '{chairtime}';
      for (const m of ids) {
        const keys = await redis.keys(`${prefix}:${QueueName.Messages}:${sendJobId(m)}*`);
        if (keys.length) await redis.del(...keys);
        await redis.zrem(`${prefix}:${QueueName.Messages}:delayed`, sendJobId(m));
      }
    } finally {
      redis.disconnect();
    }
    expect((await Promise.all(ids.map((m) => queue.getJob(sendJobId(m))))).some(Boolean)).toBe(false);
    const restored = await worker.get(ReconcileHandler, { strict: false }).reconcile();
    expect(restored).toBeGreaterThanOrEqual(ids.length);
    expect((await Promise.all(ids.map((m) => queue.getJob(sendJobId(m))))).every(Boolean)).toBe(true);
  });

  it('PATIENT_NOTIFIER sends crisis resources at once, ignoring quiet hours; no consent → skipped', async () => {
    const notifier = api.get<UrgentNotifierService>(PATIENT_NOTIFIER, { strict: false });
    expect(notifier).toBeInstanceOf(UrgentNotifierService);
    const patient = await smsPatient();
    const silent = await seedPatient(ds, clinic.id);
    await setConsent(ds, silent, { sms: false, email: false });
    await ds.transaction(async (em) => {
      await notifier.sendUrgent(em, { clinicId: clinic.id, patientId: patient, kind: 'crisis-resources', reason: 'safety-escalation' });
      await notifier.sendUrgent(em, { clinicId: clinic.id, patientId: silent, kind: 'crisis-resources', reason: 'safety-escalation' });
    });
    const statusOf = async (p: string) =>
      (
        await ds.query<{ status: string; skip_reason: string | null }[]>(`SELECT status, skip_reason FROM message WHERE patient_id = $1`, [
          p,
        ])
      )[0];
    await waitFor(async () => (await statusOf(patient))?.status === 'sent');
    expect(await statusOf(silent)).toEqual({ status: 'skipped', skip_reason: 'no-consent' });
  });

  it('ride home: at T−24 h a second request + a ride-unconfirmed task; at T−3 h the flag; a stale version does nothing', async () => {
    const patient = await smsPatient();
    const start = nextStart();
    clock.before(start, 24 * 3600_000 + 3_000);
    const id = await book(patient, start);
    await waitFor(async () => (await messagesOf(ds, id)).some((m) => m.kind === 'ride-second-request' && m.status === 'sent'), 30_000);
    const [task] = await ds.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM task WHERE appointment_id = $1 AND kind = 'ride-unconfirmed'`,
      [id],
    );
    expect(Number(task.n)).toBe(1);
    const [{ version }] = await ds.query<{ version: number }[]>(`SELECT version FROM appointment WHERE id = $1`, [id]);
    const handler = worker.get(RideCheckHandler, { strict: false });
    const flags = async () => (await ds.query<{ flags: string[] }[]>(`SELECT flags FROM appointment WHERE id = $1`, [id]))[0].flags;
    await handler.handle({ appointmentId: id, version: version - 1, stage: 't-3h' });
    expect(await flags()).toEqual([]);
    await handler.handle({ appointmentId: id, version, stage: 't-3h' });
    await handler.handle({ appointmentId: id, version, stage: 't-3h' });
    expect(await flags()).toEqual(['ride-unconfirmed']);

    // One-tap confirm-ride link from the sent message: describe, perform once, then 409; tampered 404.
    const [sent] = await ds.query<{ rendered_body: string }[]>(
      `SELECT rendered_body FROM message WHERE appointment_id = $1 AND kind = 'ride-second-request'`,
      [id],
    );
    const token = /\/v1\/actions\/([A-Za-z0-9_.-]+)/.exec(sent.rendered_body)?.[1] as string;
    expect(token).toBeDefined();
    const http = request(api.getHttpServer());
    const described = await http.get(`/v1/actions/${token}`);
    expect(described.status).toBe(200);
    expect(described.body).toEqual(expect.objectContaining({ purpose: 'confirm-ride', used: false }));
    expect((await http.get(`/v1/actions/${token}x`)).status).toBe(404);
    const answer = { answer: { driverName: 'Sam', driverPhone: '+15550100' } };
    expect((await http.post(`/v1/actions/${token}`).send(answer)).status).toBe(200);
    expect((await http.post(`/v1/actions/${token}`).send(answer)).status).toBe(409);
    const [after] = await ds.query<{ ride_status: string; flags: string[] }[]>(`SELECT ride_status, flags FROM appointment WHERE id = $1`, [
      id,
    ]);
    expect(after).toEqual({ ride_status: 'confirmed', flags: [] });
    // The use is recorded once, under the visit's clinic (tenant data, like every row).
    const { jti } = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as { jti: string };
    const uses = await ds.query<{ clinic_id: string }[]>(`SELECT clinic_id FROM action_token_use WHERE jti = $1`, [jti]);
    const [{ clinic_id }] = await ds.query<{ clinic_id: string }[]>(`SELECT clinic_id FROM appointment WHERE id = $1`, [id]);
    expect(uses).toEqual([{ clinic_id }]);
    // A link for a visit that no longer exists does nothing and records no use.
    const stray = issueActionToken(api.get<AppConfig>(APP_CONFIG).jwtSecret, {
      purpose: 'confirm-ride',
      appointmentId: randomUUID(),
      exp: Math.floor(clock.now() / 1000) + 3600,
      jti: `stray-${randomUUID()}`,
    });
    expect((await http.post(`/v1/actions/${stray}`).send(answer)).status).toBe(409);
    expect(await ds.query(`SELECT jti FROM action_token_use WHERE jti LIKE 'stray-%'`)).toEqual([]);
  });

  // Last: it replaces the worker with one whose SMS provider is a local recording server (one
  // worker per run, because every worker relays the shared outbox with its own clock).
  it('SMS: ledger first, provider after; a failed call is retried with the same idempotency token', async () => {
    const seen: { url: string; headers: IncomingMessage['headers']; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers, body });
        res.writeHead(seen.length === 1 ? 503 : 201, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ sid: `SM${seen.length}` }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await worker.close();
      worker = await startWorker(clock, {
        SMS_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        SMS_ACCOUNT_SID: 'AC9',
        SMS_AUTH_TOKEN: 'tok',
        SMS_FROM: '+15550000',
      });
      const patient = await seedPatient(ds, clinic.id);
      await ds.query(
        `UPDATE patient SET phone = '+15557770002', contact_preference = 'sms', consent = '{"sms": true, "email": false}' WHERE id = $1`,
        [patient],
      );
      const notifier = worker.get<UrgentNotifierService>(PATIENT_NOTIFIER, { strict: false });
      await ds.transaction((em) =>
        notifier.sendUrgent(em, { clinicId: clinic.id, patientId: patient, kind: 'crisis-resources', reason: 'safety-escalation' }),
      );
      const row = async () =>
        (
          await ds.query<{ id: string; status: string; provider_id: string | null }[]>(
            `SELECT id, status, provider_id FROM message WHERE patient_id = $1`,
            [patient],
          )
        )[0];
      await waitFor(async () => (await row())?.status === 'sent', 30_000);
      expect(seen).toHaveLength(2);
      expect(seen[0].url).toBe('/2010-04-01/Accounts/AC9/Messages.json');
      expect(seen[1].headers['i-twilio-idempotency-token']).toBe(seen[0].headers['i-twilio-idempotency-token']);
      expect(new URLSearchParams(seen[1].body).get('To')).toBe('+15557770002');
      expect((await row()).provider_id).toBe('SM2');
      const [ledger] = await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM send_ledger WHERE message_id = $1`, [(await row()).id]);
      expect(Number(ledger.n)).toBe(1);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
