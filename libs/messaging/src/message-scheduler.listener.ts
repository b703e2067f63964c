import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import {
  CLOCK,
  Clock,
  CourseEnd,
  courseEnd,
  DEFAULT_MESSAGE_PLAN,
  MessageChannel,
  MessagePlanEntry,
  messageNotAfter,
  ScheduledMessage,
  scheduleMessages,
  patientMessageHours,
} from '@chairtime/domain';
import { JobName, OutboxJob, cancelJobs, enqueue, jobId, outboxInsertParams } from '@chairtime/jobs';
import { txQuery } from '@chairtime/persistence';
import { AppointmentChange, AppointmentChangeListener, AppointmentEvents } from '@chairtime/scheduling';
import { Appointment, Clinic, VisitKind } from '@chairtime/scheduling/entities';
import { Patient } from '@chairtime/clinical/entities';
import { Course, ProtocolEntity } from '@chairtime/courses/entities';
import { Message, MessagePlan } from './entities';
import { sendJob, sendJobId } from './send-job';
import { ATTENDANCE_CONFIRMED_FLAG } from './message-links';
import {
  COURSE_END_STATE_SQL,
  CourseEndState,
  INSERT_SQL,
  MessagePatient,
  OPEN_JOBS_BY_PREFIX_SQL,
  PLAN_CONTEXT_SQL,
  PlanClinic,
  PlanContext,
  PlanKind,
  PlanRow,
  prefixEnd,
} from './message-scheduler.sql';

/** Changes after which the visit's pending messages no longer apply (`booked` visits are planned by the worker). */
const SUPERSEDING = new Set(['rescheduled', 'cancelled', 'no-show', 'released', 'expired', 'confirmed']);
/** Changes after which the visit (if booked) gets a fresh set of messages. */
const PLANNING = new Set(['confirmed', 'rescheduled']);

/** Ride-home escalation stages and how long before the start each runs. */
export const RIDE_STAGES = [
  { stage: 't-24h', beforeMs: 24 * 3600_000 },
  { stage: 't-3h', beforeMs: 3 * 3600_000 },
] as const;

/** The plan-messages job of visits just booked (named by the first of them). */
export const planJobId = (appointmentIds: string[]): string => jobId('plan-messages', appointmentIds[0]);

/** The ride-check job of a visit version and stage. */
export const rideJobId = (appointmentId: string, version: number, stage: string): string => jobId('ride', appointmentId, version, stage);

/**
 * How a plan is made: as of `now` (the clock's time by default; a plan job passes the booking's),
 * with what the caller already read about the visits' clinics, patients, plans and courses.
 */
interface PlanOptions {
  now?: number;
  context?: PlanContext;
}

/**
 * Turns appointment changes into message rows + `send-message` outbox jobs. Every planning change
 * first supersedes what was pending for the visit (and cancels those jobs), then plans afresh from
 * the clinic's plan — so a reschedule, a confirm after a hold or a repeated emit never leaves two
 * live sets. Held visits get nothing until confirmed.
 *
 * Visits just booked (a series is six at once) are planned by the worker: the booking's
 * transaction writes one `plan-messages` outbox row naming them, and {@link PlanMessagesHandler}
 * plans them from what the visits are when it runs. The booking commits that row or nothing, so
 * no visit is left without its messages; about 50 message and job rows a series are written off
 * the booking's path, which then holds its locks for less. Every other change (a reschedule, a
 * confirmed hold, a cancel) is planned in its own transaction, as one query per step for all its
 * visits.
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
    // A visit just booked is a new row: nothing of it is pending; the worker plans it.
    const booked = changes.filter((c) => c.type === 'booked').map((c) => c.appointment);
    if (booked.length > 0) await this.deferPlanning(em, booked);
    const rest = changes.filter((c) => c.type !== 'booked');
    if (rest.length === 0) return;
    for (const c of rest) if (c.type === 'rescheduled') await this.clearAttendance(em, c.appointment);
    await this.supersede(
      em,
      rest.filter((c) => SUPERSEDING.has(c.type)).map((c) => c.appointment),
    );
    // The last change of a visit decides: planning a visit twice would leave two live sets.
    const last = new Map(rest.map((c) => [c.appointment.id, c]));
    await this.planWithCourseEnds(
      em,
      [...last.values()].filter((c) => PLANNING.has(c.type) && c.appointment.status === 'booked').map((c) => c.appointment),
      rest.filter((c) => SUPERSEDING.has(c.type)).map((c) => c.appointment),
    );
  }

  /**
   * Plans `visits`, then the course-end messages of the courses of `changed` (once per course,
   * after its visits). With one course, the insert of the visits' messages reads its course-end
   * state too.
   */
  private async planWithCourseEnds(em: EntityManager, visits: Appointment[], changed: Appointment[], o: PlanOptions = {}): Promise<void> {
    const courses = [...new Set(changed.flatMap((a) => (a.courseId ? [a.courseId] : [])))].sort();
    const endOf = courses.length === 1 ? courses[0] : null;
    const state = await this.plan(em, visits, { ...o, endOf });
    for (const courseId of courses) await this.planCourseEnd(em, courseId, { ...o, read: courseId === endOf ? state : null });
  }

  /**
   * Plans visits booked earlier (the `plan-messages` job): the ones still booked and not planned
   * yet — no per-visit message of theirs exists, whatever its status; a reschedule or a second
   * delivery of the job planned them — then their courses' course-end messages. The visits are
   * locked first, so a reschedule or cancel of one of them waits for this or sees what it wrote.
   * The plan is made as of `bookedAt`, the booking's time by the API's clock, as the booking
   * would have made it: a worker's clock running ahead would otherwise skip reminders due soon as
   * past, and the booking confirmation is sent from the booking's time. A job that runs late (the
   * queue was down) sends what fell due meanwhile late, as the send jobs of a booking made then do.
   *
   * @returns how many visits it planned
   */
  async planBooked(em: EntityManager, appointmentIds: string[], bookedAt: number): Promise<number> {
    const locked = await em.getRepository(Appointment).find({ where: { id: In(appointmentIds) }, lock: { mode: 'pessimistic_write' } });
    if (locked.length === 0) return 0;
    // Read after the lock: a reschedule that planned one of them has committed by now.
    const ids = (f: (a: Appointment) => string | null) => [...new Set(locked.flatMap((a) => f(a) ?? []))];
    const [context] = await txQuery<PlanContext>(em, 'messages-plan-context', PLAN_CONTEXT_SQL, [
      ids((a) => a.id),
      ids((a) => a.clinicId),
      ids((a) => a.patientId),
      ids((a) => a.kind),
      ids((a) => a.courseId),
    ]);
    const due = locked.filter((a) => a.status === 'booked' && !context.planned.includes(a.id));
    await this.planWithCourseEnds(em, due, locked, { now: bookedAt, context });
    return due.length;
  }

  /** One `plan-messages` outbox row for visits just booked (ids only), in the booking's transaction. */
  private async deferPlanning(em: EntityManager, appts: Appointment[]): Promise<void> {
    const ids = appts.map((a) => a.id);
    const job: OutboxJob<JobName.PlanMessages> = {
      name: JobName.PlanMessages,
      jobId: planJobId(ids),
      payload: { appointmentIds: ids, bookedAt: this.clock.now() },
      clinicId: appts[0].clinicId,
    };
    await enqueue(em, job);
  }

  /** Marks every pending message of the visits superseded and removes their jobs. */
  async supersede(em: EntityManager, appts: Appointment[]): Promise<void> {
    if (appts.length === 0) return;
    const rows = (await em.query(
      `UPDATE message SET status = 'superseded' WHERE appointment_id = ANY($1::uuid[]) AND status = 'scheduled' RETURNING id, clinic_id`,
      [appts.map((a) => a.id)],
    )) as [{ id: string; clinic_id: string }[], number];
    const prefixes = appts.map((a) => `${jobId('ride', a.id)}-`);
    const rides = await txQuery<{ job_id: string; clinic_id: string | null }>(em, 'messages-open-ride-jobs', OPEN_JOBS_BY_PREFIX_SQL, [
      JobName.RideCheck,
      prefixes,
      prefixes.map(prefixEnd),
    ]);
    for (const [clinicId, ids] of byClinic(rows[0].map((r) => ({ clinicId: r.clinic_id, id: sendJobId(r.id) })))) {
      await cancelJobs(em, JobName.SendMessage, ids, clinicId);
    }
    for (const [clinicId, ids] of byClinic(rides.map((r) => ({ clinicId: r.clinic_id, id: r.job_id })))) {
      await cancelJobs(em, JobName.RideCheck, ids, clinicId);
    }
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
  private async planCourseEnd(
    em: EntityManager,
    courseId: string,
    { read, now = this.clock.now(), context }: PlanOptions & { read?: CourseEndState | null } = {},
  ): Promise<void> {
    const known = context?.courses.find((c) => c.course.id === courseId);
    const course = known?.course ?? (await em.findOne(Course, { where: { id: courseId } }));
    if (!course) return;
    const protocol =
      known?.protocol ?? (await em.findOneOrFail(ProtocolEntity, { where: { key: course.protocolKey, version: course.protocolVersion } }));
    if (protocol.rules.repeat) {
      const booked = await em.exists(Appointment, { where: { courseId, status: 'booked' } });
      if (booked) {
        await this.supersedeWhere(em, `patient_id = $1 AND kind IN ('booster-due', 'booster-offer')`, [course.patientId], course.clinicId);
      }
      return;
    }
    const state = read ?? (await txQuery<CourseEndState>(em, 'messages-course-end-state', COURSE_END_STATE_SQL, [courseId]))[0];
    const end = courseEnd({ status: course.status, induction: true }, state.visits);
    // One after the other: a transaction's connection runs one query at a time anyway.
    const clinic: PlanClinic =
      context?.clinics.find((c) => c.id === course.clinicId) ?? (await em.findOneOrFail(Clinic, { where: { id: course.clinicId } }));
    const patient: MessagePatient =
      context?.patients.find((p) => p.id === course.patientId) ?? (await em.findOneOrFail(Patient, { where: { id: course.patientId } }));
    const planRow: PlanRow | null = context
      ? (context.plans.find((p) => p.clinicId === course.clinicId) ?? null)
      : await em.findOne(MessagePlan, { where: { clinicId: course.clinicId } });
    const fresh = end ? this.courseEndPlan(end, clinic, patient, planRow?.entries ?? DEFAULT_MESSAGE_PLAN, now) : [];
    const pending = state.pending;
    const key = (visitId: string, kind: string, offset: string, plannedAt: number, sendAt: number) =>
      [visitId, kind, offset, plannedAt, sendAt].join('|');
    const want = fresh
      .filter((m) => m.status === 'scheduled' && this.consented(patient, m))
      .map((m) => key(end?.visitId ?? '', m.kind, m.offset, m.plannedAt, m.sendAt))
      .sort();
    const have = pending.map((r) => key(r.appointmentId, r.kind, r.offset, r.plannedAt, r.sendAt)).sort();
    if (want.join(',') === have.join(',')) return;
    // Nothing pending (a first booking): nothing to supersede, and one statement fewer.
    if (pending.length > 0) await this.supersedeWhere(em, `course_id = $1 AND anchor = 'course-end'`, [courseId], course.clinicId);
    if (!end) return;
    await this.write(em, fresh, patient, {
      clinicId: course.clinicId,
      appointmentId: end.visitId,
      courseId,
      appointmentVersion: end.visitVersion,
      visitStart: end.visitStart,
    });
  }

  /** The clinic plan's course-end entries resolved from a course end. */
  private courseEndPlan(
    end: CourseEnd,
    clinic: PlanClinic,
    patient: MessagePatient,
    plan: readonly MessagePlanEntry[],
    now: number,
  ): ScheduledMessage[] {
    return scheduleMessages({
      plan: plan.filter((e) => e.anchor === 'course-end'),
      visit: { kind: end.visitKind, start: end.visitStart, chairReleasedAt: null, bookedAt: Math.min(now, end.visitStart) },
      courseEnd: end.at,
      ...patientMessageHours(clinic, patient),
      now,
    });
  }

  /** The T−24 h / T−3 h ride checks of a visit that needs a ride home and has none confirmed. */
  private rideChecks(appt: Appointment, kind: PlanKind | undefined, now: number): OutboxJob[] {
    if (appt.rideStatus !== 'unconfirmed' || !kind?.rideRequired) return [];
    return RIDE_STAGES.filter(({ beforeMs }) => appt.startsAt.getTime() - beforeMs > now).map(({ stage, beforeMs }) => ({
      name: JobName.RideCheck,
      jobId: rideJobId(appt.id, appt.version, stage),
      payload: { appointmentId: appt.id, version: appt.version, stage },
      runAt: new Date(appt.startsAt.getTime() - beforeMs),
      clinicId: appt.clinicId,
    }));
  }

  /**
   * Writes the visits' messages and their jobs: clinics, patients, plans and visit kinds are
   * loaded once for the batch, then one INSERT for the messages and one for the outbox rows.
   */
  async plan(
    em: EntityManager,
    appts: Appointment[],
    { endOf = null, now = this.clock.now(), context }: PlanOptions & { endOf?: string | null } = {},
  ): Promise<CourseEndState | null> {
    if (appts.length === 0) return null;
    const unique = (ids: string[]) => [...new Set(ids)];
    const clinicIds = unique(appts.map((a) => a.clinicId));
    // One after the other: a transaction's connection runs one query at a time anyway.
    const clinics: PlanClinic[] = context?.clinics ?? (await em.find(Clinic, { where: { id: In(clinicIds) } }));
    const patients: MessagePatient[] =
      context?.patients ?? (await em.find(Patient, { where: { id: In(unique(appts.map((a) => a.patientId))) } }));
    const planRows: PlanRow[] = context?.plans ?? (await em.find(MessagePlan, { where: { clinicId: In(clinicIds) } }));
    const kinds: PlanKind[] = context?.kinds ?? (await em.find(VisitKind, { where: { key: In(unique(appts.map((a) => a.kind))) } }));
    const jobs: OutboxJob[] = [];
    const rows: Message[] = [];
    for (const appt of appts) {
      const clinic = clinics.find((c) => c.id === appt.clinicId);
      const patient = patients.find((p) => p.id === appt.patientId);
      if (!clinic || !patient) throw new Error(`visit ${appt.id}: clinic or patient not found`);
      jobs.push(
        ...this.rideChecks(
          appt,
          kinds.find((k) => k.key === appt.kind),
          now,
        ),
      );
      rows.push(...this.messages(appt, clinic, patient, planRows.find((p) => p.clinicId === appt.clinicId) ?? null, now));
    }
    return this.insert(em, rows, jobs, endOf);
  }

  /**
   * Inserts message rows and, in the same transaction, the send jobs of the scheduled ones
   * (plus `jobs` already collected). A plain insert (not save: nothing to compare with for new
   * rows) fills in the generated ids.
   */
  private async insert(
    em: EntityManager,
    rows: Message[],
    jobs: OutboxJob[] = [],
    endOf: string | null = null,
  ): Promise<CourseEndState | null> {
    for (const msg of rows.filter((r) => r.status === 'scheduled')) jobs.push(sendJob(msg));
    if (rows.length === 0 && jobs.length === 0) return null;
    const m = <T>(f: (r: Message) => T): T[] => rows.map(f);
    const [state] = await txQuery<CourseEndState>(em, 'messages-insert', INSERT_SQL, [
      m((r) => r.id),
      m((r) => r.clinicId),
      m((r) => r.patientId),
      m((r) => r.appointmentId),
      m((r) => r.courseId),
      m((r) => r.kind),
      m((r) => r.channel),
      m((r) => r.anchor),
      m((r) => r.offset),
      m((r) => r.plannedAt),
      m((r) => r.sendAt),
      m((r) => r.status),
      m((r) => r.skipReason),
      m((r) => r.appointmentVersion),
      m((r) => r.notAfter),
      ...outboxInsertParams(jobs),
      endOf,
    ]);
    return endOf === null ? null : state;
  }

  /** Writes resolved messages (the patient's consent decides scheduled or skipped) and their send jobs. */
  private async write(em: EntityManager, scheduled: ScheduledMessage[], patient: MessagePatient, of: MessageOf): Promise<void> {
    await this.insert(em, this.rows(scheduled, patient, of));
  }

  /** The message rows of one visit, from the clinic's plan. */
  private messages(appt: Appointment, clinic: PlanClinic, patient: MessagePatient, planRow: PlanRow | null, now: number): Message[] {
    const scheduled = scheduleMessages({
      plan: planRow?.entries ?? DEFAULT_MESSAGE_PLAN,
      visit: {
        kind: appt.kind,
        start: appt.startsAt.getTime(),
        chairReleasedAt: appt.chairId ? appt.chairReleasedAt.getTime() : null,
        bookedAt: Math.min(now, appt.startsAt.getTime()),
      },
      ...patientMessageHours(clinic, patient),
      now,
    });
    return this.rows(scheduled, patient, {
      clinicId: appt.clinicId,
      appointmentId: appt.id,
      courseId: appt.courseId,
      appointmentVersion: appt.version,
      visitStart: appt.startsAt.getTime(),
    });
  }

  /** Message rows of resolved messages: without consent for its channel a row is `skipped` (`no-consent`). */
  private rows(scheduled: ScheduledMessage[], patient: MessagePatient, { visitStart, ...of }: MessageOf): Message[] {
    return scheduled.map((m) => {
      const consented = this.consented(patient, m);
      return Object.assign(new Message(), {
        id: randomUUID(),
        ...of,
        notAfter: new Date(messageNotAfter({ kind: m.kind, plannedAt: m.plannedAt, sendAt: m.sendAt, visitStart })),
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
  }

  private channel(patient: MessagePatient, m: Pick<ScheduledMessage, 'channel'>): MessageChannel {
    return m.channel ?? patient.contactPreference;
  }

  /** Without consent for its channel a message is written `skipped` (`no-consent`), never sent. */
  private consented(patient: MessagePatient, m: Pick<ScheduledMessage, 'channel'>): boolean {
    return patient.consent?.[this.channel(patient, m)] === true;
  }

  /** Pending messages of visits (used by tests and the appointment read model). */
  static pending(em: EntityManager, appointmentIds: string[]): Promise<Message[]> {
    return em.find(Message, { where: { appointmentId: In(appointmentIds), status: 'scheduled' } });
  }
}

/** What the messages of one visit (or course end) share; `visitStart` decides the not-after of pre-visit kinds. */
type MessageOf = Pick<Message, 'clinicId' | 'appointmentId' | 'courseId' | 'appointmentVersion'> & { visitStart: number };

/** Job ids grouped by the clinic of their outbox rows. */
function byClinic(jobs: { clinicId: string | null; id: string }[]): Map<string | null, string[]> {
  const groups = new Map<string | null, string[]>();
  for (const j of jobs) groups.set(j.clinicId, [...(groups.get(j.clinicId) ?? []), j.id]);
  return groups;
}
