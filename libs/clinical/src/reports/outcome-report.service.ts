import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  Clock,
  CLOCK,
  daysBetween,
  DomainError,
  HourUtilization,
  isSchedulingDate,
  localDayBounds,
  OutcomeReport,
  outcomeReport,
  utilizationByHour,
} from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { CapacityLoader, loadScopedClinic } from '@chairtime/scheduling';
import { Actor, assertStaff } from '../clinical-access';

/** Longest range one report covers. */
export const REPORT_MAX_DAYS = 366;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `GET /v1/clinics/:clinicId/reports/outcomes`. */
export interface ClinicOutcomeReport extends OutcomeReport {
  clinicId: string;
  from: string;
  to: string;
  /** Chair utilisation by the clinic's local weekday (1 = Monday) and hour, over the range. */
  utilization: HourUtilization[];
}

/**
 * A clinic's outcome report over local dates (inclusive): the visits, courses and PHQ-9 totals it
 * needs are read here and judged by the domain's {@link outcomeReport}; utilisation comes from the
 * capacity the booking path uses. Aggregates only — no patient is named — and the read is audited.
 */
@Injectable()
export class OutcomeReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly capacity: CapacityLoader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async report(actor: Actor, clinicId: string, fromDate: string, toDate: string): Promise<ClinicOutcomeReport> {
    assertStaff(actor.principal, 'Clinic');
    for (const [path, d] of [
      ['from', fromDate],
      ['to', toDate],
    ] as const) {
      if (!DATE.test(d) || !isSchedulingDate(d) || new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d) {
        throw new DomainError('validation', `${path} must be a calendar date YYYY-MM-DD in the scheduling years`, { path });
      }
    }
    if (toDate < fromDate) throw new DomainError('validation', 'to must not be before from', { path: 'to' });
    if (daysBetween(fromDate, toDate) + 1 > REPORT_MAX_DAYS) {
      throw new DomainError('validation', `at most ${REPORT_MAX_DAYS} days per report`, { path: 'to' });
    }
    const em = this.dataSource.manager;
    const clinic = await loadScopedClinic(em, actor.principal, clinicId);
    const from = localDayBounds(fromDate, clinic.timezone).start;
    const to = localDayBounds(toDate, clinic.timezone).end;
    const range = [clinicId, new Date(from), new Date(to)];

    // The range's visits, and every visit of a course whose visits were discharged in it (a series
    // that ends in the range may have begun before it).
    const visits: {
      patient_id: string;
      course_id: string | null;
      sequence: number | null;
      needs_chair: boolean;
      starts_at: Date;
      status: string;
      cancelled_at: Date | null;
      cancel_reason: string | null;
      discharged_at: Date | null;
    }[] = await em.query(
      `SELECT a.patient_id, a.course_id, a.sequence, k.needs_chair, a.starts_at, a.status, a.cancelled_at, a.cancel_reason, a.discharged_at
         FROM appointment a JOIN visit_kind k ON k.key = a.kind
        WHERE a.clinic_id = $1 AND ((a.starts_at >= $2 AND a.starts_at < $3) OR a.course_id IN (
          SELECT course_id FROM appointment WHERE clinic_id = $1 AND course_id IS NOT NULL AND discharged_at >= $2 AND discharged_at < $3))`,
      range,
    );
    const courses: { id: string; patient_id: string; visit_count: number; induction: boolean }[] = await em.query(
      `SELECT c.id, c.patient_id, coalesce((p.rules->>'visitCount')::int, 0) AS visit_count,
              (p.rules->'repeat' IS NULL AND coalesce((p.rules->>'visitCount')::int, 0) > 1) AS induction
         FROM course c JOIN protocol p ON p.key = c.protocol_key AND p.version = c.protocol_version
        WHERE c.id = ANY($1)`,
      [[...new Set(visits.map((v) => v.course_id).filter((c): c is string => c !== null))]],
    );
    const phq9: { patient_id: string; score: number; taken_at: Date }[] = await em.query(
      `SELECT patient_id, score, taken_at FROM assessment WHERE instrument = 'PHQ-9' AND patient_id = ANY($1)`,
      [[...new Set(courses.map((c) => c.patient_id))]],
    );
    const report = outcomeReport({
      from,
      to,
      now: this.clock.now(),
      visits: visits.map((v) => ({
        patientId: v.patient_id,
        courseId: v.course_id,
        sequence: v.sequence,
        chair: v.needs_chair,
        start: v.starts_at.getTime(),
        status: v.status,
        cancelledAt: v.cancelled_at?.getTime() ?? null,
        cancelReason: v.cancel_reason,
        dischargedAt: v.discharged_at?.getTime() ?? null,
      })),
      courses: courses.map((c) => ({ id: c.id, patientId: c.patient_id, visitCount: c.visit_count, induction: c.induction })),
      phq9: phq9.map((a) => ({ patientId: a.patient_id, score: a.score, takenAt: a.taken_at.getTime() })),
    });
    const capacity = await this.capacity.load(em, clinic, fromDate, toDate);
    await this.audit.record({
      actorId: actor.principal.userId,
      actorRole: actor.principal.role,
      action: 'report.outcomes',
      resourceType: 'clinic',
      resourceId: clinicId,
      clinicId,
      requestId: actor.requestId,
      outcome: 'success',
    });
    return { clinicId, from: fromDate, to: toDate, ...report, utilization: utilizationByHour(capacity, fromDate, toDate) };
  }
}

const WEEKDAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * The report as CSV, one figure a row (`section,measure,value`), so a spreadsheet can filter and
 * pivot it: the summary figures first, then utilisation as `utilization,Mon 09:00,0.62`.
 */
export function outcomeReportCsv(r: ClinicOutcomeReport): string {
  const rows: [string, string, string | number | null][] = [
    ['range', 'from', r.from],
    ['range', 'to', r.to],
    ['treatment', 'patientsTreated', r.patientsTreated],
    ['treatment', 'treatments', r.treatments],
    ['treatment', 'seriesCompleted', r.seriesCompleted],
    ['outcomes', 'assessed', r.outcomes.assessed],
    ['outcomes', 'responders', r.outcomes.responders],
    ['outcomes', 'remissions', r.outcomes.remissions],
    ['outcomes', 'responseRate', r.outcomes.responseRate],
    ['outcomes', 'remissionRate', r.outcomes.remissionRate],
    ['relapse', 'followed', r.relapse.followed],
    ['relapse', 'relapsedWithin90Days', r.relapse.relapsedWithin90Days],
    ['relapse', 'rate', r.relapse.rate],
    ['noShows', 'count', r.noShows.count],
    ['noShows', 'rate', r.noShows.rate],
    ['cancellations', 'count', r.cancellations.count],
    ...Object.entries(r.cancellations.byLeadTime).map(([k, v]) => ['cancellations', k, v] as [string, string, number]),
    ...r.utilization.map(
      (u) =>
        ['utilization', `${WEEKDAYS[u.weekday]} ${String(u.hour).padStart(2, '0')}:00`, Math.round(u.utilization * 10_000) / 10_000] as [
          string,
          string,
          number,
        ],
    ),
  ];
  return ['section,measure,value', ...rows.map(([s, m, v]) => `${s},${m},${v ?? ''}`)].join('\r\n') + '\r\n';
}
