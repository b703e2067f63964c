import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '@chairtime/domain';
import { Clinic } from '@chairtime/scheduling/entities';
import { Screening } from '../entities';

/** Injection token under which the clinical library provides the course eligibility gate. */
export const SCREENING_GATE = Symbol('SCREENING_GATE');

/**
 * Eligibility check before a course is created, read from the patient's LATEST screening (a
 * re-screening supersedes an older verdict, e.g. hypertension now managed).
 *
 * - an absolute contraindication on the latest screening → 422 `rule-violation`, whatever the
 *   clinic setting (a clinician's approval cannot override it: the decision endpoint refuses);
 * - `requireScreeningApproval` and the latest screening is missing or not `approved` → 422.
 */
@Injectable()
export class ScreeningGate {
  async assertEligible(em: EntityManager, patientId: string, clinicId: string): Promise<void> {
    const latest = await em.getRepository(Screening).findOne({ where: { patientId, clinicId }, order: { createdAt: 'DESC', id: 'DESC' } });
    if (latest && latest.contraindications.length > 0) {
      throw new DomainError('rule-violation', 'The latest screening shows an absolute contraindication', {
        reason: 'contraindication',
        violations: latest.contraindications,
      });
    }
    const clinic = await em.getRepository(Clinic).findOne({ where: { id: clinicId } });
    if (clinic?.settings.requireScreeningApproval !== false && latest?.status !== 'approved') {
      throw new DomainError('rule-violation', 'The patient has no approved screening', { reason: 'screening-not-approved' });
    }
  }
}
