import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { CLOCK, Clock, DEFAULT_MESSAGE_PLAN, MessageChannel, scheduleMessages } from '@chairtime/domain';
import { JobName, cancelJobs, enqueue, jobId } from '@chairtime/jobs';
import { AppointmentChange, AppointmentChangeListener, AppointmentEvents } from '@chairtime/scheduling';
import { Appointment, Clinic, DEFAULT_CLINIC_SETTINGS, VisitKind } from '@chairtime/scheduling/entities';
import { Patient } from '@chairtime/clinical/entities';
import { Message, MessagePlan } from './entities';

/** Changes after which the visit's pending messages no longer apply. */
const SUPERSEDING = new Set(['rescheduled', 'cancelled', 'no-show', 'released', 'expired', 'confirmed', 'booked']);
/** Changes after which the visit (if booked) gets a fresh set of messages. */
const PLANNING = new Set(['booked', 'confirmed', 'rescheduled']);

/**
 * The send job of a message: deterministic, so a re-relay of the same outbox row is a no-op. The
 * uuid is written in base64url (22 characters, not 36): the id is stored three times per pending
 * job in Redis (key, options, delayed set), and there are tens of thousands of them.
 */
export const sendJobId = (messageId: string): string => `msg-${Buffer.from(messageId.replace(/-/g, ''), 'hex').toString('base64url')}`;

/** Ride-home escalation stages and how long before the start each runs. */
export const RIDE_STAGES = [
  { stage: 't-24h', beforeMs: 24 * 3600_000 },
  { stage: 't-3h', beforeMs: 3 * 3600_000 },
] as const;

/** The ride-check job of a visit version and stage. */
export const rideJobId = (appointmentId: string, version: number, stage: string): string => jobId('ride', appointmentId, version, stage);

/**
 * Turns appointment changes into message rows + `send-message` outbox jobs, in the transaction of
 * the change. Every planning change first supersedes what was pending for the visit (and cancels
 * those jobs), then plans afresh from the clinic's plan — so a reschedule, a confirm after a hold
 * or a repeated emit never leaves two live sets. Held visits get nothing until confirmed.
 */
@Injectable()
export class MessageSchedulerListener implements AppointmentChangeListener, OnModuleInit {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly events: AppointmentEvents,
  ) {}

  onModuleInit(): void {
    this.events.register(this);
  }

  async onAppointmentsChanged(em: EntityManager, changes: AppointmentChange[]): Promise<void> {
    for (const change of changes) {
      if (SUPERSEDING.has(change.type)) await this.supersede(em, change.appointment);
      if (PLANNING.has(change.type) && change.appointment.status === 'booked') await this.plan(em, change.appointment);
    }
  }

  /** Marks every pending message of the visit superseded and removes their jobs. */
  async supersede(em: EntityManager, appt: Appointment): Promise<void> {
    const rows = (await em.query(
      `UPDATE message SET status = 'superseded' WHERE appointment_id = $1 AND status = 'scheduled' RETURNING id`,
      [appt.id],
    )) as [{ id: string }[], number];
    const ids = rows[0].map((r) => r.id);
    await cancelJobs(em, JobName.SendMessage, ids.map(sendJobId), appt.clinicId);
    const rides = (await em.query(
      `SELECT job_id FROM outbox_entry WHERE job_name = $1 AND op = 'add' AND done_at IS NULL AND job_id LIKE $2`,
      [JobName.RideCheck, `${jobId('ride', appt.id)}-%`],
    )) as { job_id: string }[];
    await cancelJobs(
      em,
      JobName.RideCheck,
      rides.map((r) => r.job_id),
      appt.clinicId,
    );
  }

  /** Schedules the T−24 h / T−3 h ride checks of a visit that needs a ride home and has none confirmed. */
  private async planRideChecks(em: EntityManager, appt: Appointment, now: number): Promise<void> {
    if (appt.rideStatus !== 'unconfirmed') return;
    const kind = await em.findOne(VisitKind, { where: { key: appt.kind } });
    if (!kind?.rideRequired) return;
    for (const { stage, beforeMs } of RIDE_STAGES) {
      const runAt = appt.startsAt.getTime() - beforeMs;
      if (runAt <= now) continue;
      await enqueue(em, {
        name: JobName.RideCheck,
        jobId: rideJobId(appt.id, appt.version, stage),
        payload: { appointmentId: appt.id, version: appt.version, stage },
        runAt: new Date(runAt),
        clinicId: appt.clinicId,
      });
    }
  }

  /** Writes the visit's messages and their jobs. */
  async plan(em: EntityManager, appt: Appointment): Promise<void> {
    const [clinic, patient, planRow] = await Promise.all([
      em.findOneOrFail(Clinic, { where: { id: appt.clinicId } }),
      em.findOneOrFail(Patient, { where: { id: appt.patientId } }),
      em.findOne(MessagePlan, { where: { clinicId: appt.clinicId } }),
    ]);
    const now = this.clock.now();
    await this.planRideChecks(em, appt, now);
    const scheduled = scheduleMessages({
      plan: planRow?.entries ?? DEFAULT_MESSAGE_PLAN,
      visit: {
        kind: appt.kind,
        start: appt.startsAt.getTime(),
        chairReleasedAt: appt.chairId ? appt.chairReleasedAt.getTime() : null,
        bookedAt: Math.min(now, appt.startsAt.getTime()),
      },
      patientZone: patient.timezone ?? clinic.timezone,
      quietHours: clinic.settings?.quietHours ?? DEFAULT_CLINIC_SETTINGS.quietHours,
      now,
    });
    if (scheduled.length === 0) return;
    const rows = scheduled.map((m) => {
      const channel: MessageChannel = m.channel ?? patient.contactPreference;
      const consented = patient.consent?.[channel] === true;
      return em.create(Message, {
        clinicId: appt.clinicId,
        patientId: appt.patientId,
        appointmentId: appt.id,
        courseId: appt.courseId,
        kind: m.kind,
        channel,
        anchor: m.anchor,
        offset: m.offset,
        plannedAt: new Date(m.plannedAt),
        sendAt: new Date(m.sendAt),
        status: consented ? m.status : 'skipped',
        skipReason: consented ? (m.skipReason ?? null) : 'no-consent',
        appointmentVersion: appt.version,
      });
    });
    const saved = await em.save(Message, rows);
    for (const msg of saved.filter((r) => r.status === 'scheduled')) {
      await enqueue(em, {
        name: JobName.SendMessage,
        jobId: sendJobId(msg.id),
        payload: { messageId: msg.id },
        runAt: msg.sendAt,
        clinicId: msg.clinicId,
      });
    }
  }

  /** Pending messages of visits (used by tests and the appointment read model). */
  static pending(em: EntityManager, appointmentIds: string[]): Promise<Message[]> {
    return em.find(Message, { where: { appointmentId: In(appointmentIds), status: 'scheduled' } });
  }
}
