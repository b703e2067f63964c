import type { EntityManager } from 'typeorm';
import { SCREENING_GATE as CLINICAL_SCREENING_GATE } from '@chairtime/clinical';

/**
 * Eligibility check before a course is created. Implemented by the clinical library (screening),
 * which provides it globally; courses only inject it by token and call this interface.
 */
export interface ScreeningGate {
  /**
   * Throws `DomainError('rule-violation')` when the clinic requires approval and the patient's
   * latest screening is not approved, or shows an absolute contraindication.
   */
  assertEligible(em: EntityManager, patientId: string, clinicId: string): Promise<void>;
}

/**
 * The token the clinical library provides the gate under. Re-exported (not re-declared): two
 * `Symbol('SCREENING_GATE')` calls are two different tokens, and the gate would silently be absent.
 */
export const SCREENING_GATE: symbol = CLINICAL_SCREENING_GATE;
