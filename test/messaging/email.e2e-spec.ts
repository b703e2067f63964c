import { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobName, QueueName } from '@chairtime/jobs';
import { MessageSchedulerListener } from '@chairtime/messaging';
import { Appointment } from '@chairtime/scheduling/entities';
import { seedClinic, seedPatient } from '../support/scheduling-factories';
import { startWorker, waitFor } from '../support/messaging-factories';
import { scratchDatabase } from '../support/scratch-database';
import { mailAttachment, mailHeader, startSmtpSink } from '../support/smtp-sink';

const icsTime = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/**
 * The email channel end to end: the real worker (relay, BullMQ, send handler) with SMTP_URL
 * pointing at a real SMTP server on loopback. Its own database and queue prefix, because a worker
 * relays every outbox row of its database.
 */
describe('email channel: outbox → BullMQ → SMTP with the visit .ics', () => {
  let db: { url: string; drop: () => Promise<void> };
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let clinicId: string;

  beforeAll(async () => {
    db = await scratchDatabase();
    sink = await startSmtpSink();
    worker = await startWorker(undefined, {
      DATABASE_URL: db.url,
      QUEUE_PREFIX: `{ct-email-${Date.now().toString(36)}}`,
      SMTP_URL: sink.url,
      SMTP_FROM: 'Riverside <hello@riverside.test>',
    });
    ds = worker.get(DataSource);
    const today = new Date().toISOString().slice(0, 10);
    clinicId = (
      await seedClinic(ds, { fromDate: today, days: 1, chairs: 1, nurses: 1, settings: { quietHours: { from: '00:00', to: '00:00' } } })
    ).id;
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await sink?.close();
    await db?.drop();
  });

  /** A booked infusion three days ahead for an email patient, planned like a booking plans it. */
  const bookVisit = async (): Promise<{ appointmentId: string; patientId: string }> => {
    const patientId = await seedPatient(ds, clinicId);
    await ds.query(`UPDATE patient SET email = 'pat@x.test' WHERE id = $1`, [patientId]);
    const [row] = await ds.query<{ id: string }[]>(
      `INSERT INTO appointment (clinic_id, patient_id, kind, starts_at, ends_at, chair_released_at, chair_time, visit_time, status, ride_status)
       SELECT $1, $2, 'iv-infusion', s, s + interval '150 minutes', s + interval '160 minutes',
              tstzrange(s, s + interval '160 minutes', '[)'), tstzrange(s, s + interval '150 minutes', '[)'), 'booked', 'unconfirmed'
       FROM (SELECT date_trunc('hour', now()) + interval '74 hours' AS s) t RETURNING id`,
      [clinicId, patientId],
    );
    const appt = await ds.getRepository(Appointment).findOneByOrFail({ id: row.id });
    await ds.transaction((em) =>
      worker.get(MessageSchedulerListener, { strict: false }).onAppointmentsChanged(em, [{ type: 'booked', appointment: appt }]),
    );
    return { appointmentId: row.id, patientId };
  };

  const confirmation = async (appointmentId: string) =>
    (
      await ds.query<{ id: string; status: string; provider_id: string | null }[]>(
        `SELECT id, status, provider_id FROM message WHERE appointment_id = $1 AND kind = 'booking-confirmation' ORDER BY created_at DESC LIMIT 1`,
        [appointmentId],
      )
    )[0];

  it('sends the booking confirmation once, with the visit .ics; a duplicate job sends nothing more', async () => {
    const { appointmentId } = await bookVisit();
    await waitFor(async () => (await confirmation(appointmentId))?.status === 'sent', 30_000);
    const appt = await ds.getRepository(Appointment).findOneByOrFail({ id: appointmentId });
    const mine = () => sink.received.filter((m) => mailAttachment(m.raw, 'visit.ics')?.content.includes(`UID:${appointmentId}@chairtime`));
    expect(mine()).toHaveLength(1);
    const [mail] = mine();
    expect(mail.to).toEqual(['pat@x.test']);
    expect(mail.from).toBe('hello@riverside.test');
    expect(mailHeader(mail.raw, 'Message-ID')).toBe((await confirmation(appointmentId)).provider_id);
    const ics = mailAttachment(mail.raw, 'visit.ics')?.content ?? '';
    expect(ics).toContain(`DTSTART:${icsTime(appt.startsAt)}`);
    expect(ics).toContain(`DTEND:${icsTime(appt.endsAt)}`);
    expect(ics).toContain(`SEQUENCE:${appt.version}`);
    expect(ics).toContain('X-WR-TIMEZONE:America/New_York');

    // Another job for the same message (as a re-relay after Redis lost it would make): one email.
    const { id } = await confirmation(appointmentId);
    const queue = worker.get<Queue>(getQueueToken(QueueName.Messages), { strict: false });
    const dup = await queue.add(JobName.SendMessage, { messageId: id }, { jobId: `dup-${id}` });
    await waitFor(async () => (await dup.getState()) === 'completed', 30_000);
    expect(mine()).toHaveLength(1);
    const [ledger] = await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM send_ledger WHERE message_id = $1`, [id]);
    expect(Number(ledger.n)).toBe(1);
  });

  it('a reschedule sends a new .ics with the same UID and the new version as SEQUENCE', async () => {
    const { appointmentId } = await bookVisit();
    await waitFor(async () => (await confirmation(appointmentId))?.status === 'sent', 30_000);
    await ds.query(
      `UPDATE appointment SET starts_at = starts_at + interval '1 day', ends_at = ends_at + interval '1 day',
              chair_released_at = chair_released_at + interval '1 day', chair_time = tstzrange(lower(chair_time) + interval '1 day', upper(chair_time) + interval '1 day', '[)'),
              visit_time = tstzrange(lower(visit_time) + interval '1 day', upper(visit_time) + interval '1 day', '[)'), version = version + 1
       WHERE id = $1`,
      [appointmentId],
    );
    const moved = await ds.getRepository(Appointment).findOneByOrFail({ id: appointmentId });
    await ds.transaction((em) =>
      worker.get(MessageSchedulerListener, { strict: false }).onAppointmentsChanged(em, [{ type: 'rescheduled', appointment: moved }]),
    );
    const calendars = () =>
      sink.received
        .map((m) => mailAttachment(m.raw, 'visit.ics')?.content ?? '')
        .filter((c) => c.includes(`UID:${appointmentId}@chairtime`));
    await waitFor(async () => calendars().length === 2, 30_000);
    const latest = calendars()[1];
    expect(latest).toContain(`SEQUENCE:${moved.version}`);
    expect(latest).toContain(`DTSTART:${icsTime(moved.startsAt)}`);
  });
});
