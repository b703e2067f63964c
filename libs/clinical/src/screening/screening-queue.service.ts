import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, gad7Severity, phq9Severity, ScreeningInput } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { assertClinicScope, canAccessClinic } from '@chairtime/identity';
import { decodeCursor, encodeCursor, Page } from '@chairtime/scheduling';
import { ScreeningStatus } from '../entities';
import { Actor, assertStaff, auditPatient } from '../clinical-access';

/** A score at intake with its band (DOMAIN.md, "Outcomes and safety"). */
export interface IntakeScore {
  score: number;
  severity: string;
}

/** One screening in the clinician's review queue. */
export interface ScreeningQueueItem {
  id: string;
  patientId: string;
  patientName: string;
  birthDate: string;
  status: ScreeningStatus;
  indications: string[];
  contraindications: string[];
  relativeFlags: string[];
  phq9: IntakeScore | null;
  gad7: IntakeScore | null;
  submittedAt: string;
}

/** A screening's full record (`GET /v1/screenings/:id`): the intake answers and the decision. */
export interface ScreeningRecord extends ScreeningQueueItem {
  clinicId: string;
  inputs: ScreeningInput;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionNote: string | null;
}

export interface ScreeningQueueQuery {
  clinicId: string;
  status?: ScreeningStatus;
  limit?: number;
  cursor?: string;
}

interface Row {
  id: string;
  clinic_id: string;
  patient_id: string;
  given_name: string;
  family_name: string;
  birth_date: string;
  status: ScreeningStatus;
  indications: string[];
  contraindications: string[];
  relative_flags: string[];
  phq9_baseline: number | null;
  gad7_baseline: number | null;
  created_at: Date;
  inputs: ScreeningInput;
  decided_at: Date | null;
  decided_by: string | null;
  decision_note: string | null;
}

const SELECT = `SELECT s.id, s.clinic_id, s.patient_id, p.given_name, p.family_name, p.birth_date::text AS birth_date, s.status,
       s.indications, s.contraindications, s.relative_flags, s.phq9_baseline, s.gad7_baseline, s.created_at,
       s.inputs, s.decided_at, s.decided_by, s.decision_note
  FROM screening s JOIN patient p ON p.id = s.patient_id`;

const toItem = (r: Row): ScreeningQueueItem => ({
  id: r.id,
  patientId: r.patient_id,
  patientName: `${r.given_name} ${r.family_name}`,
  birthDate: r.birth_date,
  status: r.status,
  indications: r.indications,
  contraindications: r.contraindications,
  relativeFlags: r.relative_flags,
  phq9: r.phq9_baseline === null ? null : { score: r.phq9_baseline, severity: phq9Severity(r.phq9_baseline) },
  gad7: r.gad7_baseline === null ? null : { score: r.gad7_baseline, severity: gad7Severity(r.gad7_baseline) },
  submittedAt: r.created_at.toISOString(),
});

/**
 * The clinician's screening queue: what waits for a decision, oldest first (first come, first
 * reviewed), with what the decision turns on — indications, contraindications, relative flags,
 * PHQ-9/GAD-7 at intake — and the full record of one screening. Staff of the clinic only; every
 * read is audited (a list once, a record per patient).
 */
@Injectable()
export class ScreeningQueueService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async queue(actor: Actor, q: ScreeningQueueQuery): Promise<Page<ScreeningQueueItem>> {
    assertStaff(actor.principal, 'Clinic');
    assertClinicScope(actor.principal, q.clinicId);
    const limit = Math.min(q.limit ?? 50, 200);
    const params: unknown[] = [q.clinicId, q.status ?? 'pending-review'];
    let keyset = '';
    const after = decodeCursor(q.cursor);
    if (after) {
      params.push(after.sortKey, after.id);
      keyset = 'AND (s.created_at, s.id) > ($3::timestamptz, $4::uuid)';
    }
    params.push(limit + 1);
    const rows: Row[] = await this.dataSource.query(
      `${SELECT} WHERE s.clinic_id = $1 AND s.status = $2 ${keyset} ORDER BY s.created_at, s.id LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    await this.audit.record({
      actorId: actor.principal.userId,
      actorRole: actor.principal.role,
      action: 'screening.list',
      resourceType: 'screening',
      clinicId: q.clinicId,
      requestId: actor.requestId,
      outcome: 'success',
    });
    return {
      items: page.map(toItem),
      nextCursor: rows.length > limit && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
    };
  }

  async get(actor: Actor, id: string): Promise<ScreeningRecord> {
    assertStaff(actor.principal, 'Screening');
    const [row] = (await this.dataSource.query(`${SELECT} WHERE s.id = $1`, [id])) as Row[];
    if (!row || !canAccessClinic(actor.principal, row.clinic_id)) throw new DomainError('not-found', 'Screening not found');
    await auditPatient(this.audit, actor, {
      action: 'screening.read',
      resourceType: 'screening',
      resourceId: row.id,
      clinicId: row.clinic_id,
      patientId: row.patient_id,
    });
    return {
      ...toItem(row),
      clinicId: row.clinic_id,
      inputs: row.inputs,
      decidedAt: row.decided_at?.toISOString() ?? null,
      decidedBy: row.decided_by,
      decisionNote: row.decision_note,
    };
  }
}
