import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import {
  Clock,
  CLOCK,
  DEFAULT_VITALS_THRESHOLDS,
  DomainError,
  evaluatePreVitals,
  validateSideEffects,
  validateVitals,
  VitalsMeasurement,
  VitalsPhase,
  parseClinicTime,
} from '@chairtime/domain';
import { inTransaction } from '@chairtime/persistence';
import { AuditService } from '@chairtime/audit';
import { Appointment, AppointmentEvents } from '@chairtime/scheduling';
import { RecordedVitals, RemsMonitoringForm, SideEffectRecord, Task } from '../entities';
import { Actor, assertStaff, auditPatient, loadClinic, lockAppointment } from '../clinical-access';
import { TaskService } from '../tasks/task.service';
import { transition } from './day-of.service';

/** `POST /v1/appointments/:id/vitals` response. */
export interface VitalsResult {
  id: string;
  accepted: boolean;
  status: string;
  /** After a first failed `pre` reading: the earliest time of the one re-check. */
  recheckAfter?: string;
}

/** Body of `POST /v1/appointments/:id/rems-form`. */
export interface RemsFormInput {
  doseMg: number;
  devices: number;
  lotNumber: string;
  firstDeviceAt: string;
  monitoringEndedAt: string;
  sedation: boolean;
  dissociation: boolean;
}

/** Vitals, side effects and the Spravato REMS monitoring form of one visit. */
@Injectable()
export class VitalsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly tasks: TaskService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly events: AppointmentEvents,
  ) {}

  /**
   * Records a reading. `pre` readings are judged by `evaluatePreVitals` with the clinic's
   * thresholds: a first failure allows one re-check after 15 min (earlier → 409), a second puts
   * the visit on `vitals-hold`, raises a `vitals-hold` task for the clinician (the prescriber's
   * alert) and emits the change. `during`/`post` readings are recorded while in treatment.
   */
  record(actor: Actor, appointmentId: string, input: VitalsMeasurement & { phase: VitalsPhase }): Promise<VitalsResult> {
    assertStaff(actor.principal, 'Appointment');
    const measurement: VitalsMeasurement = {
      systolic: input.systolic,
      diastolic: input.diastolic,
      heartRate: input.heartRate,
      spo2: input.spo2,
    };
    validateVitals(measurement);
    return inTransaction(this.dataSource, async (em) => {
      const appt = await lockAppointment(em, actor.principal, appointmentId);
      const expected = input.phase === 'pre' ? 'checked-in' : 'in-treatment';
      if (appt.status !== expected) {
        throw new DomainError('invalid-state', `A ${input.phase} reading needs a ${expected} visit`, { currentStatus: appt.status });
      }
      const now = this.clock.now();
      let accepted = true;
      let recheckAfter: number | undefined;
      let hold = false;
      if (input.phase === 'pre') {
        const clinic = await loadClinic(em, appt.clinicId);
        const previous = await em
          .getRepository(RecordedVitals)
          .find({ where: { appointmentId: appt.id, phase: 'pre' }, order: { takenAt: 'ASC', id: 'ASC' } });
        let verdict;
        try {
          verdict = evaluatePreVitals(
            previous.map((r) => ({ ...r, takenAt: r.takenAt.getTime() })),
            measurement,
            clinic.settings.vitalsHold ?? DEFAULT_VITALS_THRESHOLDS,
            now,
          );
        } catch (e) {
          if (e instanceof DomainError && e.code === 'invalid-state') {
            const after = e.details.recheckAfter;
            throw new DomainError('invalid-state', e.message, {
              reason: e.details.reason,
              currentStatus: appt.status,
              ...(typeof after === 'number' ? { recheckAfter: new Date(after).toISOString() } : {}),
            });
          }
          throw e;
        }
        accepted = verdict.accepted;
        recheckAfter = verdict.recheckAfter;
        hold = verdict.outcome === 'hold';
      }
      const repo = em.getRepository(RecordedVitals);
      const reading = await repo.save(
        repo.create({
          ...measurement,
          appointmentId: appt.id,
          clinicId: appt.clinicId,
          patientId: appt.patientId,
          phase: input.phase,
          accepted: input.phase === 'pre' ? accepted : null,
          takenAt: new Date(now),
          recordedBy: actor.principal.userId,
        }),
      );
      let current: Appointment = appt;
      if (hold) {
        appt.status = transition(appt, 'vitals-hold');
        current = await em.getRepository(Appointment).save(appt);
        await this.tasks.raise(em, {
          clinicId: appt.clinicId,
          patientId: appt.patientId,
          appointmentId: appt.id,
          kind: 'vitals-hold',
          priority: 'high',
          assigneeRole: 'clinician',
        });
        await this.events.emit(em, [{ type: 'vitals-hold', appointment: current }]);
      }
      await auditPatient(
        this.audit,
        actor,
        {
          action: 'appointment.vitals',
          resourceType: 'vitals-reading',
          resourceId: reading.id,
          clinicId: appt.clinicId,
          patientId: appt.patientId,
        },
        em,
      );
      return {
        id: reading.id,
        accepted,
        status: current.status,
        ...(recheckAfter !== undefined ? { recheckAfter: new Date(recheckAfter).toISOString() } : {}),
      };
    });
  }

  /** Side effects of a visit under way or finished (validated by `validateSideEffects`). */
  sideEffects(
    actor: Actor,
    appointmentId: string,
    effects: unknown[],
  ): Promise<{ effects: { id: string; name: string; severity: string; note?: string }[] }> {
    assertStaff(actor.principal, 'Appointment');
    const valid = validateSideEffects(effects);
    return inTransaction(this.dataSource, async (em) => {
      const appt = await lockAppointment(em, actor.principal, appointmentId);
      if (appt.status !== 'in-treatment' && appt.status !== 'discharged') {
        throw new DomainError('invalid-state', 'Side effects are recorded once treatment has started', { currentStatus: appt.status });
      }
      const now = new Date(this.clock.now());
      const repo = em.getRepository(SideEffectRecord);
      const rows = await repo.save(
        valid.map((e) =>
          repo.create({
            appointmentId: appt.id,
            clinicId: appt.clinicId,
            patientId: appt.patientId,
            name: e.name,
            severity: e.severity,
            note: e.note ?? null,
            recordedAt: now,
            recordedBy: actor.principal.userId,
          }),
        ),
      );
      await auditPatient(
        this.audit,
        actor,
        {
          action: 'appointment.side-effects',
          resourceType: 'appointment',
          resourceId: appt.id,
          clinicId: appt.clinicId,
          patientId: appt.patientId,
        },
        em,
      );
      return { effects: rows.map((r) => ({ id: r.id, name: r.name, severity: r.severity, ...(r.note ? { note: r.note } : {}) })) };
    });
  }

  /** Files the Spravato REMS monitoring form (one per session) and resolves its `rems-form-due` task. */
  remsForm(actor: Actor, appointmentId: string, input: RemsFormInput): Promise<{ id: string; appointmentId: string; filedAt: string }> {
    assertStaff(actor.principal, 'Appointment');
    return inTransaction(this.dataSource, async (em) => {
      const appt = await lockAppointment(em, actor.principal, appointmentId);
      if (appt.kind !== 'spravato')
        throw new DomainError('rule-violation', 'Only Spravato sessions have a REMS monitoring form', { reason: 'not-spravato' });
      if (appt.status !== 'in-treatment' && appt.status !== 'discharged') {
        throw new DomainError('invalid-state', 'The form is filed once the session has started', { currentStatus: appt.status });
      }
      // Bare wall times are the clinic's (API.md).
      const { timezone } = await loadClinic(em, appt.clinicId);
      const first = parseClinicTime(input.firstDeviceAt, timezone, 'firstDeviceAt').getTime();
      const end = parseClinicTime(input.monitoringEndedAt, timezone, 'monitoringEndedAt').getTime();
      if (!(end > first)) {
        throw new DomainError('validation', 'Invalid monitoring times', {
          errors: [{ path: 'monitoringEndedAt', message: 'must be after firstDeviceAt' }],
        });
      }
      const repo = em.getRepository(RemsMonitoringForm);
      if (await repo.exists({ where: { appointmentId: appt.id } })) {
        throw new DomainError('conflict', 'The form of this session was already filed', { currentStatus: appt.status });
      }
      const now = new Date(this.clock.now());
      const form = await repo.save(
        repo.create({
          appointmentId: appt.id,
          clinicId: appt.clinicId,
          patientId: appt.patientId,
          doseMg: input.doseMg,
          devices: input.devices,
          lotNumber: input.lotNumber.trim(),
          firstDeviceAt: new Date(first),
          monitoringEndedAt: new Date(end),
          sedation: input.sedation,
          dissociation: input.dissociation,
          filedAt: now,
          filedBy: actor.principal.userId,
        }),
      );
      await em
        .getRepository(Task)
        .update(
          { appointmentId: appt.id, kind: 'rems-form-due', status: In(['open', 'acknowledged']) },
          { status: 'resolved', resolvedAt: now, resolvedBy: actor.principal.userId, note: 'form filed' },
        );
      await auditPatient(
        this.audit,
        actor,
        {
          action: 'appointment.rems-form',
          resourceType: 'rems-monitoring-form',
          resourceId: form.id,
          clinicId: appt.clinicId,
          patientId: appt.patientId,
        },
        em,
      );
      return { id: form.id, appointmentId: appt.id, filedAt: now.toISOString() };
    });
  }
}
