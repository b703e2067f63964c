import type { EntityManager } from 'typeorm';

/** An urgent message to a patient, sent (or queued) in the caller's transaction. */
export interface UrgentPatientMessage {
  clinicId: string;
  patientId: string;
  kind: 'crisis-resources';
  reason: 'safety-escalation';
}

/**
 * Sends urgent messages to patients. Implemented by the messaging library (outbox-backed);
 * clinical code injects it optionally, so a safety escalation never depends on messaging being
 * wired — the `safety-escalation` task is always written either way.
 */
export interface PatientNotifier {
  sendUrgent(em: EntityManager, message: UrgentPatientMessage): Promise<void>;
  /** After a relapse signal: offers the patient an earlier booster, in the caller's transaction. */
  offerBooster?(em: EntityManager, patient: { clinicId: string; patientId: string }): Promise<void>;
}

/** Injection token of the {@link PatientNotifier}. */
export const PATIENT_NOTIFIER = Symbol('PATIENT_NOTIFIER');
