import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import {
  CLOCK,
  Clock,
  CourseEnd,
  DEFAULT_MESSAGE_PLAN,
  MessageChannel,
  MessagePlanEntry,
  ScheduledMessage,
  scheduleMessages,
} from '@chairtime/domain';
import { JobName, cancelJobs, enqueue, jobId } from '@chairtime/jobs';
import { AppointmentChange, AppointmentChangeListener, AppointmentEvents } from '@chairtime/scheduling';
import { Appointment, Clinic, DEFAULT_CLINIC_SETTINGS, VisitKind } from '@chairtime/scheduling/entities';
import { Patient } from '@chairtime/clinical/entities';
import { Course, ProtocolEntity } from '@chairtime/courses/entities';
import { Message, MessagePlan } from './entities';
import { loadCourseEnd } from './course-end';
import { ATTENDANCE_CONFIRMED_FLAG } from './message-links';

/** Changes after which the visit's pending messages no longer apply. */
const SUPERSEDING = new Set(['rescheduled', 'cancelled', 'no-show', 'released', 'expired', 'confirmed', 'booked']);
/** Changes after which the visit (if booked) gets a fresh set of messages. */
const PLANNING = new Set(['booked', 'confirmed', 'rescheduled']);

/** The send job of a message: deterministic, so a re-relay of the same outbox row is a no-op. */
export const sendJobId = (messageId: string): string => jobId('msg', messageId);

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
      if (change.type === 'rescheduled') await this.clearAttendance(em, change.appointment);
      if (SUPERSEDING.has(change.type)) await this.supersede(em, change.appointment);
      if (PLANNING.has(change.type) && change.appointment.status === 'booked') await this.plan(em, change.appointment);
    }
    // Once per course, after its visits: a series booking is one emit of six changes.
    const courses = new Set(changes.filter((c) => SUPERSEDING.has(c.type) && c.appointment.courseId).map((c) => c.appointment.courseId));
    for (const courseId of courses) await this.planCourseEnd(em, courseId as string);
  }

  /**
   * A confirmation of attendance was for the old time: the moved visit asks again (its new
   * reminders carry a new link). A plain UPDATE, like the confirmation, so the version stays.
   */
  private async clearAttendance(em: EntityManager, appt: Appointment): Promise<void> {
    if (!appt.flags.includes(ATTENDANCE_CONFIRMED_FLAG)) return;
    appt.flags = appt.flags.filter((f) => f !== ATTENDANCE_CONFIRMED_FLAG);
    await em.query(`UPDATE appointment SET flags = array_remove(flags, $2) WHERE id = $1`, [appt.id, ATTENDANCE_CONFIRMED_FLAG]);
  }

  /** Marks every pending message of the visit superseded and removes their jobs. */
  async supersede(em: EntityManager, appt: Appointment): Promise<void> {
    await this.supersedeWhere(em, 'appointment_id = $1', [appt.id], appt.clinicId);
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

  /** Supersedes the pending messages matching `where` (over `message`, parameters from $1) and removes their jobs. */
  private async supersedeWhere(em: EntityManager, where: string, params: unknown[], clinicId: string): Promise<void> {
    const rows = (await em.query(
      `UPDATE message SET status = 'superseded' WHERE status = 'scheduled' AND ${where} RETURNING id`,
      params,
    )) as [{ id: string }[], number];
    await cancelJobs(
      em,
      JobName.SendMessage,
      rows[0].map((r) => sendJobId(r.id)),
      clinicId,
    );
  }

  /**
   * Course-end messages (the PHQ-9 check-ins, booster due): planned once per course, not per
   * visit, from the course end — the planned chair release of the last live visit of an induction
   * course (`courseEnd` in libs/domain says why). They hang on that visit (its id and version),
   * so the send handler skips them if it is cancelled before they go out. After any change to a
   * course's visits the plan is worked out again and compared with what is pending: unchanged
   * (another visit moved) → left alone; the last visit moved, was cancelled or missed, or the
   * course was cancelled → the pending ones are superseded and the new plan written.
   *
   * A booked visit of a booster course (a protocol with a repeat rule) withdraws the patient's
   * pending booster-due and booster-offer messages: the booster they ask for is booked. Cancelling
   * that booster does not bring them back; the course's next steps still show the window.
   */
  async planCourseEnd(em: EntityManager, courseId: string): Promise<void> {
    const course = await em.findOne(Course, { where: { id: courseId } });
    if (!course) return;
    const protocol = await em.findOneOrFail(ProtocolEntity, { where: { key: course.protocolKey, version: course.protocolVersion } });
    if (protocol.rules.repeat) {
      const booked = await em.exists(Appointment, { where: { courseId, status: 'booked' } });
      if (booked) {
        await this.supersedeWhere(em, `patient_id = $1 AND kind IN ('booster-due', 'booster-offer')`, [course.patientId], course.clinicId);
      }
      return;
    }
    const end = await loadCourseEnd(em, course);
    const [clinic, patient, planRow] = await Promise.all([
      em.findOneOrFail(Clinic, { where: { id: course.clinicId } }),
      em.findOneOrFail(Patient, { where: { id: course.patientId } }),
      em.findOne(MessagePlan, { where: { clinicId: course.clinicId } }),
    ]);
    const fresh = end ? this.courseEndPlan(end, clinic, patient, planRow?.entries ?? DEFAULT_MESSAGE_PLAN) : [];
    const pending = (await em.query(
      `SELECT appointment_id, kind, "offset", planned_at, send_at FROM message WHERE course_id = $1 AND anchor = 'course-end' AND status = 'scheduled'`,
      [courseId],
    )) as { appointment_id: string; kind: string; offset: string; planned_at: Date; send_at: Date }[];
    const key = (visitId: string, kind: string, offset: string, plannedAt: number, sendAt: number) =>
      [visitId, kind, offset, plannedAt, sendAt].join('|');
    const want = fresh
      .filter((m) => m.status === 'scheduled' && this.consented(patient, m))
      .map((m) => key(end?.visitId ?? '', m.kind, m.offset, m.plannedAt, m.sendAt))
      .sort();
    const have = pending.map((r) => key(r.appointment_id, r.kind, r.offset, r.planned_at.getTime(), r.send_at.getTime())).sort();
    if (want.join(',') === have.join(',')) return;
    await this.supersedeWhere(em, `course_id = $1 AND anchor = 'course-end'`, [courseId], course.clinicId);
    if (!end) return;
    await this.write(em, fresh, patient, {
      clinicId: course.clinicId,
      appointmentId: end.visitId,
      courseId,
      appointmentVersion: end.visitVersion,
    });
  }

  /** The clinic plan's course-end entries resolved from a course end. */
  private courseEndPlan(end: CourseEnd, clinic: Clinic, patient: Patient, plan: readonly MessagePlanEntry[]): ScheduledMessage[] {
    const now = this.clock.now();
    return scheduleMessages({
      plan: plan.filter((e) => e.anchor === 'course-end'),
      visit: { kind: end.visitKind, start: end.visitStart, chairReleasedAt: null, bookedAt: Math.min(now, end.visitStart) },
      courseEnd: end.at,
      patientZone: patient.timezone ?? clinic.timezone,
      quietHours: clinic.settings?.quietHours ?? DEFAULT_CLINIC_SETTINGS.quietHours,
      now,
    });
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
    await this.write(em, scheduled, patient, {
      clinicId: appt.clinicId,
      appointmentId: appt.id,
      courseId: appt.courseId,
      appointmentVersion: appt.version,
    });
  }

  /** Writes resolved messages (the patient's consent decides scheduled or skipped) and their send jobs. */
  private async write(
    em: EntityManager,
    scheduled: ScheduledMessage[],
    patient: Patient,
    of: Pick<Message, 'clinicId' | 'appointmentId' | 'courseId' | 'appointmentVersion'>,
  ): Promise<void> {
    if (scheduled.length === 0) return;
    const rows = scheduled.map((m) => {
      const consented = this.consented(patient, m);
      return em.create(Message, {
        ...of,
        patientId: patient.id,
        kind: m.kind,
        channel: this.channel(patient, m),
        anchor: m.anchor,
        offset: m.offset,
        plannedAt: new Date(m.plannedAt),
        sendAt: new Date(m.sendAt),
        status: consented ? m.status : 'skipped',
        skipReason: consented ? (m.skipReason ?? null) : 'no-consent',
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

  private channel(patient: Patient, m: Pick<ScheduledMessage, 'channel'>): MessageChannel {
    return m.channel ?? patient.contactPreference;
  }

  /** Without consent for its channel a message is written `skipped` (`no-consent`), never sent. */
  private consented(patient: Patient, m: Pick<ScheduledMessage, 'channel'>): boolean {
    return patient.consent?.[this.channel(patient, m)] === true;
  }

  /** Pending messages of visits (used by tests and the appointment read model). */
  static pending(em: EntityManager, appointmentIds: string[]): Promise<Message[]> {
    return em.find(Message, { where: { appointmentId: In(appointmentIds), status: 'scheduled' } });
  }
}
