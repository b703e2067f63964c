import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, EntityManager, MoreThan } from 'typeorm';
import { Clock, CLOCK, DomainError, evaluateOutcome, Instrument, scoreGad7, scorePhq9 } from '@chairtime/domain';
import { inTransaction } from '@chairtime/persistence';
import { AuditService } from '@chairtime/audit';
import { Role } from '@chairtime/identity';
import { Appointment } from '@chairtime/scheduling/entities';
import { Assessment, AssessmentSource, Task } from '../entities';
import { Actor, auditPatient, loadPatient } from '../clinical-access';
import { TaskService } from '../tasks/task.service';
import { PATIENT_NOTIFIER, PatientNotifier } from './patient-notifier';

/** What {@link AssessmentService.recordAssessment} stores. */
export interface RecordAssessment {
  clinicId: string;
  patientId: string;
  instrument: Instrument;
  answers: number[];
  source: AssessmentSource;
  createdBy?: string | null;
  screeningId?: string | null;
  /** A check-in answer that reports thoughts of self-harm, whatever the answers say. */
  suicidalThoughts?: boolean;
}

/** `POST /v1/patients/:id/assessments` response and list item. */
export interface AssessmentView {
  id: string;
  instrument: Instrument;
  score: number;
  severity: string;
  item9Positive?: boolean;
  changeFromBaseline: number | null;
  response: boolean;
  remission: boolean;
  relapseSignal: boolean;
  takenAt: string;
  /** Id of the safety task raised by this assessment. */
  safetyTaskId?: string;
}

/**
 * Scores PHQ-9 / GAD-7 answers, compares them with the patient's history and raises the safety
 * escalation. Baseline is the patient's first assessment of the instrument; the post-series score
 * is the first assessment taken after the last discharged visit of the patient's first course
 * (the induction series) — a deliberately simple reading of "after the series".
 */
@Injectable()
export class AssessmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly tasks: TaskService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(PATIENT_NOTIFIER) private readonly notifier: PatientNotifier | null,
  ) {}

  /** HTTP entry: staff of the clinic or the patient themself. */
  submit(actor: Actor, patientId: string, input: { instrument: Instrument; answers: number[] }): Promise<AssessmentView> {
    return inTransaction(this.dataSource, async (em) => {
      const patient = await loadPatient(em, actor.principal, patientId);
      const view = await this.recordAssessment(em, {
        clinicId: patient.clinicId,
        patientId: patient.id,
        instrument: input.instrument,
        answers: input.answers,
        source: actor.principal.role === Role.Patient ? 'patient' : 'staff',
        createdBy: actor.principal.userId,
      });
      await auditPatient(
        this.audit,
        actor,
        { action: 'assessment.create', resourceType: 'assessment', resourceId: view.id, clinicId: patient.clinicId, patientId: patient.id },
        em,
      );
      return view;
    });
  }

  /**
   * Stores a scored assessment in the caller's transaction. A positive PHQ-9 item 9 (or
   * `suicidalThoughts`) raises an urgent `safety-escalation` task and asks the notifier for the
   * crisis message in the SAME transaction: the escalation commits with the answers or not at all.
   * A relapse signal asks the notifier, in the same way, to offer the patient an earlier booster.
   * @throws DomainError `validation` for a wrong answer count or an answer outside 0–3
   */
  async recordAssessment(em: EntityManager, input: RecordAssessment): Promise<AssessmentView> {
    const scored = input.instrument === 'PHQ-9' ? scorePhq9(input.answers) : input.instrument === 'GAD-7' ? scoreGad7(input.answers) : null;
    if (!scored) {
      throw new DomainError('validation', 'Unknown instrument', { errors: [{ path: 'instrument', message: 'must be PHQ-9 or GAD-7' }] });
    }
    const item9Positive = 'item9Positive' in scored ? scored.item9Positive : false;
    const takenAt = new Date(this.clock.now());
    const repo = em.getRepository(Assessment);
    const baseline = await repo.findOne({
      where: { patientId: input.patientId, instrument: input.instrument },
      order: { takenAt: 'ASC', id: 'ASC' },
    });
    const postSeries = await this.postSeriesScore(em, input.patientId, input.instrument);
    const outcome = evaluateOutcome({
      instrument: input.instrument,
      score: scored.score,
      baseline: baseline?.score ?? scored.score,
      postSeries: postSeries ?? null,
    });
    const row = await repo.save(
      repo.create({
        clinicId: input.clinicId,
        patientId: input.patientId,
        instrument: input.instrument,
        answers: input.answers,
        score: scored.score,
        severity: scored.severity,
        item9Positive,
        relapseSignal: outcome.relapseSignal,
        source: input.source,
        screeningId: input.screeningId ?? null,
        createdBy: input.createdBy ?? null,
        takenAt,
      }),
    );
    let safetyTask: Task | null = null;
    if (item9Positive || input.suicidalThoughts === true) safetyTask = await this.escalate(em, input.clinicId, input.patientId);
    if (outcome.relapseSignal) await this.notifier?.offerBooster?.(em, { clinicId: input.clinicId, patientId: input.patientId });
    return {
      id: row.id,
      instrument: row.instrument,
      score: row.score,
      severity: row.severity,
      ...(row.instrument === 'PHQ-9' ? { item9Positive } : {}),
      changeFromBaseline: baseline ? outcome.changeFromBaseline : null,
      response: outcome.response,
      remission: outcome.remission,
      relapseSignal: outcome.relapseSignal,
      takenAt: takenAt.toISOString(),
      ...(safetyTask ? { safetyTaskId: safetyTask.id } : {}),
    };
  }

  /** Raises the urgent task for the clinic's clinician and the crisis-resources message. */
  async escalate(em: EntityManager, clinicId: string, patientId: string): Promise<Task> {
    const task = await this.tasks.raise(em, {
      clinicId,
      patientId,
      kind: 'safety-escalation',
      priority: 'urgent',
      assigneeRole: 'clinician',
    });
    if (this.notifier) await this.notifier.sendUrgent(em, { clinicId, patientId, kind: 'crisis-resources', reason: 'safety-escalation' });
    return task;
  }

  /** Assessments of a patient, newest first (`relapseSignal` included), paged by `offset` cursor. */
  async list(
    actor: Actor,
    patientId: string,
    q: { instrument?: Instrument; limit?: number; cursor?: string },
  ): Promise<{ items: AssessmentView[]; nextCursor: string | null }> {
    const em = this.dataSource.manager;
    const patient = await loadPatient(em, actor.principal, patientId);
    const limit = Math.min(q.limit ?? 50, 200);
    const offset = q.cursor ? Number.parseInt(Buffer.from(q.cursor, 'base64url').toString('utf8'), 10) : 0;
    if (!Number.isInteger(offset) || offset < 0) {
      throw new DomainError('validation', 'Invalid cursor', { errors: [{ path: 'cursor', message: 'is not a cursor of this list' }] });
    }
    const rows = await em.getRepository(Assessment).find({
      where: { patientId: patient.id, ...(q.instrument ? { instrument: q.instrument } : {}) },
      order: { takenAt: 'DESC', id: 'DESC' },
      skip: offset,
      take: limit + 1,
    });
    const baselines = new Map<string, Assessment>();
    for (const instrument of ['PHQ-9', 'GAD-7'] as const) {
      const first = await em
        .getRepository(Assessment)
        .findOne({ where: { patientId: patient.id, instrument }, order: { takenAt: 'ASC', id: 'ASC' } });
      if (first) baselines.set(instrument, first);
    }
    await auditPatient(this.audit, actor, {
      action: 'assessment.list',
      resourceType: 'assessment',
      resourceId: null,
      clinicId: patient.clinicId,
      patientId: patient.id,
    });
    return {
      items: rows.slice(0, limit).map((a) => {
        // The baseline itself has no change to report (null), as when it was recorded.
        const first = baselines.get(a.instrument);
        const isBaseline = !first || first.id === a.id;
        const o = evaluateOutcome({ instrument: a.instrument, score: a.score, baseline: first?.score ?? a.score });
        return {
          id: a.id,
          instrument: a.instrument,
          score: a.score,
          severity: a.severity,
          ...(a.instrument === 'PHQ-9' ? { item9Positive: a.item9Positive } : {}),
          changeFromBaseline: isBaseline ? null : o.changeFromBaseline,
          response: o.response,
          remission: o.remission,
          relapseSignal: a.relapseSignal,
          takenAt: a.takenAt.toISOString(),
        };
      }),
      nextCursor: rows.length > limit ? Buffer.from(String(offset + limit)).toString('base64url') : null,
    };
  }

  private async postSeriesScore(em: EntityManager, patientId: string, instrument: Instrument): Promise<number | null> {
    const first = await em
      .getRepository(Appointment)
      .createQueryBuilder('a')
      .where('a.patient_id = :patientId AND a.course_id IS NOT NULL', { patientId })
      .orderBy('a.starts_at', 'ASC')
      .getOne();
    if (!first?.courseId) return null;
    const last = await em.getRepository(Appointment).findOne({
      where: { courseId: first.courseId, status: 'discharged' },
      order: { dischargedAt: 'DESC' },
    });
    if (!last?.dischargedAt) return null;
    const after = await em.getRepository(Assessment).findOne({
      where: { patientId, instrument, takenAt: MoreThan(last.dischargedAt) },
      order: { takenAt: 'ASC' },
    });
    return after?.score ?? null;
  }
}
