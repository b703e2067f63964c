import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { CLOCK, Clock, DEFAULT_MESSAGE_PLAN, MessageChannel, scheduleMessages } from '@chairtime/domain';
import { JobName, OutboxJob, cancelJobs, enqueueMany, jobId } from '@chairtime/jobs';
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
 * A change list is handled as a batch (a series books six visits at once): one query per step for
 * all its visits, not one per visit.
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
    await this.supersede(
      em,
      changes.filter((c) => SUPERSEDING.has(c.type)).map((c) => c.appointment),
    );
    // The last change of a visit decides: planning a visit twice would leave two live sets.
    const last = new Map(changes.map((c) => [c.appointment.id, c]));
    await this.plan(
      em,
      [...last.values()].filter((c) => PLANNING.has(c.type) && c.appointment.status === 'booked').map((c) => c.appointment),
    );
  }

  /** Marks every pending message of the visits superseded and removes their jobs. */
  async supersede(em: EntityManager, appts: Appointment[]): Promise<void> {
    if (appts.length === 0) return;
    const rows = (await em.query(
      `UPDATE message SET status = 'superseded' WHERE appointment_id = ANY($1::uuid[]) AND status = 'scheduled' RETURNING id, clinic_id`,
      [appts.map((a) => a.id)],
    )) as [{ id: string; clinic_id: string }[], number];
    const rides = (await em.query(
      `SELECT job_id, clinic_id FROM outbox_entry WHERE job_name = $1 AND op = 'add' AND done_at IS NULL AND job_id LIKE ANY($2::text[])`,
      [JobName.RideCheck, appts.map((a) => `${jobId('ride', a.id)}-%`)],
    )) as { job_id: string; clinic_id: string | null }[];
    for (const [clinicId, ids] of byClinic(rows[0].map((r) => ({ clinicId: r.clinic_id, id: sendJobId(r.id) })))) {
      await cancelJobs(em, JobName.SendMessage, ids, clinicId);
    }
    for (const [clinicId, ids] of byClinic(rides.map((r) => ({ clinicId: r.clinic_id, id: r.job_id })))) {
      await cancelJobs(em, JobName.RideCheck, ids, clinicId);
    }
  }

  /** The T−24 h / T−3 h ride checks of a visit that needs a ride home and has none confirmed. */
  private rideChecks(appt: Appointment, kind: VisitKind | undefined, now: number): OutboxJob[] {
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
  async plan(em: EntityManager, appts: Appointment[]): Promise<void> {
    if (appts.length === 0) return;
    const unique = (ids: string[]) => [...new Set(ids)];
    const clinicIds = unique(appts.map((a) => a.clinicId));
    // One after the other: a transaction's connection runs one query at a time anyway.
    const clinics = await em.find(Clinic, { where: { id: In(clinicIds) } });
    const patients = await em.find(Patient, { where: { id: In(unique(appts.map((a) => a.patientId))) } });
    const planRows = await em.find(MessagePlan, { where: { clinicId: In(clinicIds) } });
    const kinds = await em.find(VisitKind, { where: { key: In(unique(appts.map((a) => a.kind))) } });
    const now = this.clock.now();
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
    // A plain insert (not save: nothing to compare with for new rows) fills in the generated ids.
    if (rows.length > 0) await em.insert(Message, rows);
    for (const msg of rows.filter((r) => r.status === 'scheduled')) {
      jobs.push({
        name: JobName.SendMessage,
        jobId: sendJobId(msg.id),
        payload: { messageId: msg.id },
        runAt: msg.sendAt,
        clinicId: msg.clinicId,
      });
    }
    await enqueueMany(em, jobs);
  }

  /** The message rows of one visit, from the clinic's plan. */
  private messages(appt: Appointment, clinic: Clinic, patient: Patient, planRow: MessagePlan | null, now: number): Message[] {
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
    return scheduled.map((m) => {
      const channel: MessageChannel = m.channel ?? patient.contactPreference;
      const consented = patient.consent?.[channel] === true;
      return Object.assign(new Message(), {
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
  }

  /** Pending messages of visits (used by tests and the appointment read model). */
  static pending(em: EntityManager, appointmentIds: string[]): Promise<Message[]> {
    return em.find(Message, { where: { appointmentId: In(appointmentIds), status: 'scheduled' } });
  }
}

/** Job ids grouped by the clinic of their outbox rows. */
function byClinic(jobs: { clinicId: string | null; id: string }[]): Map<string | null, string[]> {
  const groups = new Map<string | null, string[]>();
  for (const j of jobs) groups.set(j.clinicId, [...(groups.get(j.clinicId) ?? []), j.id]);
  return groups;
}
