import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  AppointmentAction,
  appointmentMachine,
  assertRems,
  Clock,
  CLOCK,
  dischargeRefusals,
  DomainError,
  remsFormDueAt,
  REMS_VISIT_KIND,
  spravatoVitalsMissing,
} from '@chairtime/domain';
import { inTransaction } from '@chairtime/persistence';
import { AuditService } from '@chairtime/audit';
import { Appointment, AppointmentChangeType, AppointmentEvents, RideStatus, VisitKind } from '@chairtime/scheduling';
import { Patient, RecordedVitals, RemsMonitoringForm } from '../entities';
import { Actor, assertStaff, auditPatient, loadClinic, lockAppointment } from '../clinical-access';
import { TaskService } from '../tasks/task.service';
import { DayOfAppointmentView, toDayOfView } from './day-of.view';

/** Body of `PUT /v1/appointments/:id/ride`. */
export interface RideUpdate {
  status: Extract<RideStatus, 'confirmed' | 'rideshare' | 'needs-help'>;
  driverName?: string;
  driverPhone?: string;
}

/** Statuses in which the ride can still change (the patient has not left). */
const RIDE_EDITABLE = ['held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment'];

/**
 * The day of treatment: ride, check-in, start and discharge. Every status change goes through
 * `appointmentMachine` on a row locked FOR UPDATE, and is announced with `AppointmentEvents` in
 * the same transaction. Vitals and side effects live in {@link VitalsService}.
 */
@Injectable()
export class DayOfService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly tasks: TaskService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly events: AppointmentEvents,
  ) {}

  /** The patient (own visit) or staff; `confirmed` needs the driver's name and E.164 phone (DTO). */
  ride(actor: Actor, appointmentId: string, input: RideUpdate): Promise<DayOfAppointmentView> {
    return inTransaction(this.dataSource, async (em) => {
      const appt = await lockAppointment(em, actor.principal, appointmentId);
      if (!RIDE_EDITABLE.includes(appt.status)) {
        throw new DomainError('invalid-state', `The ride of a ${appt.status} visit cannot change`, { currentStatus: appt.status });
      }
      appt.rideStatus = input.status;
      appt.rideDriverName = input.status === 'confirmed' ? (input.driverName ?? null) : null;
      appt.rideDriverPhone = input.status === 'confirmed' ? (input.driverPhone ?? null) : null;
      return this.commit(em, actor, appt, 'ride-updated', 'appointment.ride');
    });
  }

  /**
   * Checks a booked patient in. An intoxication attestation refuses the visit: the attestation is
   * kept as an `intoxicated` task (committed) and the call answers 422; the visit stays `booked`
   * so the clinic can cancel or rebook it. Spravato needs the patient's REMS enrollment and the
   * site's REMS certification.
   */
  async checkIn(actor: Actor, appointmentId: string, input: { intoxicated: boolean }): Promise<DayOfAppointmentView> {
    assertStaff(actor.principal, 'Appointment');
    const result = await inTransaction(this.dataSource, async (em) => {
      const appt = await lockAppointment(em, actor.principal, appointmentId);
      const next = transition(appt, 'check-in');
      if (input.intoxicated) {
        await this.tasks.raise(em, {
          clinicId: appt.clinicId,
          patientId: appt.patientId,
          appointmentId: appt.id,
          kind: 'intoxicated',
          priority: 'high',
          assigneeRole: 'clinician',
        });
        await auditPatient(
          this.audit,
          actor,
          {
            action: 'appointment.check-in-refused',
            resourceType: 'appointment',
            resourceId: appt.id,
            clinicId: appt.clinicId,
            patientId: appt.patientId,
          },
          em,
        );
        return null;
      }
      if (appt.kind === REMS_VISIT_KIND) {
        // REMS is a hard stop at check-in too: the patient enrolled AND the site certified today.
        const patient = await em.getRepository(Patient).findOneOrFail({ where: { id: appt.patientId } });
        const clinic = await loadClinic(em, appt.clinicId);
        assertRems(appt.kind, { patientEnrolled: !!patient.remsEnrollmentId, siteCertified: clinic.settings.remsCertified });
      }
      appt.status = next;
      appt.checkedInAt = new Date(this.clock.now());
      return this.commit(em, actor, appt, 'checked-in', 'appointment.check-in');
    });
    if (!result) {
      throw new DomainError('rule-violation', 'The visit cannot proceed after an intoxication attestation', { reason: 'intoxicated' });
    }
    return result;
  }

  /** Starts treatment: needs `checked-in` and an accepted `pre` reading as the latest one. */
  start(actor: Actor, appointmentId: string): Promise<DayOfAppointmentView> {
    assertStaff(actor.principal, 'Appointment');
    return inTransaction(this.dataSource, async (em) => {
      const appt = await lockAppointment(em, actor.principal, appointmentId);
      const next = transition(appt, 'start');
      const lastPre = await em.getRepository(RecordedVitals).findOne({
        where: { appointmentId: appt.id, phase: 'pre' },
        order: { takenAt: 'DESC', id: 'DESC' },
      });
      if (!lastPre?.accepted) {
        throw new DomainError('invalid-state', 'Treatment needs an accepted pre-treatment reading', {
          reason: 'pre-vitals-missing',
          currentStatus: appt.status,
        });
      }
      appt.status = next;
      appt.startedAt = new Date(this.clock.now());
      return this.commit(em, actor, appt, 'started', 'appointment.start');
    });
  }

  /**
   * Discharges after the minimum recovery, with post vitals and a named ride hand-off (409 with
   * `violations` otherwise). Spravato: at least 120 min and the ~40-min post-dose reading; filing
   * the REMS monitoring form becomes an open `rems-form-due` task until it is filed.
   */
  discharge(actor: Actor, appointmentId: string, input: { rideHandoff: { name: string } }): Promise<DayOfAppointmentView> {
    assertStaff(actor.principal, 'Appointment');
    return inTransaction(this.dataSource, async (em) => {
      const appt = await lockAppointment(em, actor.principal, appointmentId);
      const next = transition(appt, 'discharge');
      const kind = await em.getRepository(VisitKind).findOneOrFail({ where: { key: appt.kind } });
      const readings = await em.getRepository(RecordedVitals).find({ where: { appointmentId: appt.id }, order: { takenAt: 'ASC' } });
      const now = this.clock.now();
      const startedAt = (appt.startedAt ?? appt.startsAt).getTime();
      const violations: string[] = dischargeRefusals({
        kind: appt.kind,
        startedAt,
        now,
        treatmentMinutes: kind.treatmentMinutes,
        minRecoveryMinutes: kind.recoveryMinutes,
        postVitalsRecorded: readings.some((r) => r.phase === 'post'),
        rideHandoffName: input.rideHandoff?.name,
      });
      if (appt.kind === 'spravato') {
        const missing = spravatoVitalsMissing(
          readings.map((r) => ({ ...r, takenAt: r.takenAt.getTime() })),
          startedAt,
        );
        violations.push(...missing.map((m) => `rems-vitals-${m}`));
      }
      if (violations.length > 0) {
        throw new DomainError('invalid-state', 'The patient cannot be discharged yet', { violations, currentStatus: appt.status });
      }
      appt.status = next;
      appt.dischargedAt = new Date(now);
      appt.rideHandoffName = input.rideHandoff.name.trim();
      const view = await this.commit(em, actor, appt, 'discharged', 'appointment.discharge');
      if (appt.kind === 'spravato' && !(await em.getRepository(RemsMonitoringForm).exists({ where: { appointmentId: appt.id } }))) {
        const clinic = await loadClinic(em, appt.clinicId);
        await this.tasks.raise(em, {
          clinicId: appt.clinicId,
          patientId: appt.patientId,
          appointmentId: appt.id,
          kind: 'rems-form-due',
          assigneeRole: 'nurse',
          dueAt: new Date(remsFormDueAt(startedAt, clinic.timezone)),
        });
      }
      return view;
    });
  }

  /** Saves the row, announces the change and writes the audit row, all in `em`'s transaction. */
  private async commit(
    em: EntityManager,
    actor: Actor,
    appt: Appointment,
    change: AppointmentChangeType,
    action: string,
  ): Promise<DayOfAppointmentView> {
    const saved = await em.getRepository(Appointment).save(appt);
    await this.events.emit(em, [{ type: change, appointment: saved }]);
    await auditPatient(
      this.audit,
      actor,
      { action, resourceType: 'appointment', resourceId: appt.id, clinicId: appt.clinicId, patientId: appt.patientId },
      em,
    );
    return toDayOfView(saved);
  }
}

/** The machine's next status; its refusal is a 409 that carries `currentStatus`. */
export function transition(appt: Appointment, action: AppointmentAction): Appointment['status'] {
  if (!appointmentMachine.can(appt.status, action)) {
    throw new DomainError('invalid-state', `A ${appt.status} visit cannot ${action}`, { currentStatus: appt.status, action });
  }
  return appointmentMachine.next(appt.status, action);
}
