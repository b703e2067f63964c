import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, CLOCK, DEFAULT_VITALS_THRESHOLDS, DomainError, screen, ScreeningInput } from '@chairtime/domain';
import { inTransaction } from '@chairtime/persistence';
import { AuditService } from '@chairtime/audit';
import { canAccessClinic, Role } from '@chairtime/identity';
import { Screening, ScreeningStatus } from '../entities';
import { Actor, assertStaff, auditPatient, loadClinic, loadPatient } from '../clinical-access';
import { AssessmentService } from '../assessments/assessment.service';
import { TaskService } from '../tasks/task.service';

/** `POST /v1/patients/:id/screenings` response. */
export interface ScreeningView {
  id: string;
  patientId: string;
  status: ScreeningStatus;
  contraindications: string[];
  indications: string[];
  relativeFlags: string[];
  decidedAt?: string;
}

const toView = (s: Screening): ScreeningView => ({
  id: s.id,
  patientId: s.patientId,
  status: s.status,
  contraindications: s.contraindications,
  indications: s.indications,
  relativeFlags: s.relativeFlags,
  ...(s.decidedAt ? { decidedAt: s.decidedAt.toISOString() } : {}),
});

/** Intake screening and the clinician's decision. */
@Injectable()
export class ScreeningService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly assessments: AssessmentService,
    private readonly tasks: TaskService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Screens with the clinic's `vitalsHold` thresholds. PHQ-9 / GAD-7 answers are stored as the
   * patient's baseline assessments in the same transaction; a positive item 9 escalates at once
   * (it must not wait for the clinician's review). A screening that waits for review raises a
   * `screening-review` task for the clinic's clinicians, resolved by the decision.
   */
  create(actor: Actor, patientId: string, input: ScreeningInput): Promise<ScreeningView> {
    assertStaff(actor.principal, 'Patient');
    return inTransaction(this.dataSource, async (em) => {
      const patient = await loadPatient(em, actor.principal, patientId);
      const clinic = await loadClinic(em, patient.clinicId);
      const result = screen(input, clinic.settings.vitalsHold ?? DEFAULT_VITALS_THRESHOLDS);
      const repo = em.getRepository(Screening);
      const screening = await repo.save(
        repo.create({
          clinicId: patient.clinicId,
          patientId: patient.id,
          inputs: input,
          status: result.status,
          contraindications: result.contraindications,
          indications: result.indications,
          relativeFlags: result.relativeFlags,
          phq9Baseline: result.scores.phq9?.score ?? null,
          gad7Baseline: result.scores.gad7?.score ?? null,
          createdBy: actor.principal.userId,
        }),
      );
      const base = {
        clinicId: patient.clinicId,
        patientId: patient.id,
        source: 'screening' as const,
        createdBy: actor.principal.userId,
        screeningId: screening.id,
      };
      if (input.phq9) await this.assessments.recordAssessment(em, { ...base, instrument: 'PHQ-9', answers: input.phq9 });
      if (input.gad7) await this.assessments.recordAssessment(em, { ...base, instrument: 'GAD-7', answers: input.gad7 });
      // A screening waiting for a decision is a clinician's work item; an ineligible one needs none.
      if (result.status === 'pending-review') {
        await this.tasks.raise(em, {
          clinicId: patient.clinicId,
          patientId: patient.id,
          kind: 'screening-review',
          assigneeRole: 'clinician',
        });
      }
      await auditPatient(
        this.audit,
        actor,
        {
          action: 'screening.create',
          resourceType: 'screening',
          resourceId: screening.id,
          clinicId: patient.clinicId,
          patientId: patient.id,
        },
        em,
      );
      return toView(screening);
    });
  }

  /** A clinician approves or declines; an `ineligible` screening cannot be approved (422). */
  decide(actor: Actor, screeningId: string, input: { decision: 'approved' | 'declined'; note: string | null }): Promise<ScreeningView> {
    return inTransaction(this.dataSource, async (em) => {
      const screening = await em.getRepository(Screening).findOne({ where: { id: screeningId }, lock: { mode: 'pessimistic_write' } });
      if (!screening || !canAccessClinic(actor.principal, screening.clinicId) || actor.principal.role === Role.Patient) {
        throw new DomainError('not-found', 'Screening not found');
      }
      if (screening.status === 'ineligible' && input.decision === 'approved') {
        throw new DomainError('rule-violation', 'A screening with an absolute contraindication cannot be approved', {
          reason: 'contraindication',
          violations: screening.contraindications,
        });
      }
      if (screening.status === 'approved' || screening.status === 'declined') {
        throw new DomainError('invalid-state', `The screening was already ${screening.status}`, { currentStatus: screening.status });
      }
      screening.status = input.decision;
      screening.decidedBy = actor.principal.userId;
      screening.decidedAt = new Date(this.clock.now());
      screening.decisionNote = input.note;
      await em.getRepository(Screening).save(screening);
      await this.tasks.closeOpen(
        em,
        { patientId: screening.patientId, kind: 'screening-review' },
        actor.principal.userId,
        `screening ${input.decision}`,
      );
      await auditPatient(
        this.audit,
        actor,
        {
          action: 'screening.decide',
          resourceType: 'screening',
          resourceId: screening.id,
          clinicId: screening.clinicId,
          patientId: screening.patientId,
        },
        em,
      );
      return toView(screening);
    });
  }
}
