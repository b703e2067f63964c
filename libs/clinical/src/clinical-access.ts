import { EntityManager } from 'typeorm';
import { AuditOutcome, AuditService } from '@chairtime/audit';
import { DomainError } from '@chairtime/domain';
import { assertPatientScope, isStaff, Principal } from '@chairtime/identity';
import { Appointment, Clinic } from '@chairtime/scheduling/entities';
import { Patient } from './entities';

/** Who is asking and for which request: for scope checks and audit rows. */
export interface Actor {
  principal: Principal;
  requestId: string | null;
}

/**
 * Loads a patient the caller may see (staff of the patient's clinic or the patient themself);
 * anything else is 404, indistinguishable from a missing patient.
 */
export async function loadPatient(em: EntityManager, principal: Principal, patientId: string, lock = false): Promise<Patient> {
  const patient = await em.getRepository(Patient).findOne({
    where: { id: patientId },
    ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
  if (!patient) throw new DomainError('not-found', 'Patient not found');
  assertPatientScope(principal, patient);
  return patient;
}

/** Staff-only operations: a patient user gets 404 like any other out-of-scope caller. */
export function assertStaff(principal: Principal, what = 'Resource'): void {
  if (!isStaff(principal)) throw new DomainError('not-found', `${what} not found`);
}

/**
 * Loads an appointment the caller may act on, locked FOR UPDATE: day-of actions on one visit
 * (two nurses tapping "check in") serialize on the row, so the state machine sees the committed
 * status and exactly one of them wins.
 */
export async function lockAppointment(em: EntityManager, principal: Principal, appointmentId: string): Promise<Appointment> {
  const appt = await em.getRepository(Appointment).findOne({ where: { id: appointmentId }, lock: { mode: 'pessimistic_write' } });
  if (!appt) throw new DomainError('not-found', 'Appointment not found');
  assertPatientScope(principal, { id: appt.patientId, clinicId: appt.clinicId }, 'Appointment');
  return appt;
}

export async function loadClinic(em: EntityManager, clinicId: string): Promise<Clinic> {
  const clinic = await em.getRepository(Clinic).findOne({ where: { id: clinicId } });
  if (!clinic) throw new DomainError('not-found', 'Clinic not found');
  return clinic;
}

/** One audit row about a patient's data; pass `em` for writes so it commits with the change. */
export function auditPatient(
  audit: AuditService,
  actor: Actor,
  entry: { action: string; resourceType: string; resourceId: string | null; clinicId: string; patientId: string; outcome?: AuditOutcome },
  em?: EntityManager,
): Promise<void> {
  return audit.record(
    {
      actorId: actor.principal.userId,
      actorRole: actor.principal.role,
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId,
      clinicId: entry.clinicId,
      patientId: entry.patientId,
      requestId: actor.requestId,
      outcome: entry.outcome ?? 'success',
    },
    em,
  );
}
