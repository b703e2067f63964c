import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { evaluateOutcome, findDefaultProtocol, remsFormDueAt } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { Actor, assertStaff, auditPatient, loadClinic, loadPatient } from '../clinical-access';
import { ChartAssessment, ChartVisit, PatientChart } from './patient-chart.view';

const CHART_MESSAGES = 100;

/**
 * The patient chart in one read (`GET /v1/patients/:id/chart`): everything a nurse or clinician
 * opens a chart for, shaped for one screen — the patient, screenings, each course with its visits
 * in sequence and its progress (3 of 6), each visit's vitals, side effects and REMS form, the
 * PHQ-9/GAD-7 history with change from baseline and response/remission/relapse, check-in answers,
 * tasks and the messages sent or planned. Sections are read from the tables that own them
 * (courses, messaging's check-ins and messages are read, never written, here). Audited as one read.
 */
@Injectable()
export class PatientChartService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async chart(actor: Actor, patientId: string): Promise<PatientChart> {
    assertStaff(actor.principal, 'Patient');
    const em = this.dataSource.manager;
    const patient = await loadPatient(em, actor.principal, patientId);
    const clinic = await loadClinic(em, patient.clinicId);
    const q = <T>(sql: string): Promise<T[]> => em.query(sql, [patient.id]);
    const [screenings, courses, visits, vitals, effects, forms, assessments, checkIns, tasks, messages] = await Promise.all([
      q<Record<string, unknown>>(
        `SELECT id, status, indications, contraindications, relative_flags AS "relativeFlags", phq9_baseline AS "phq9Baseline",
                gad7_baseline AS "gad7Baseline", created_at AS "submittedAt", decided_at AS "decidedAt", decision_note AS "decisionNote"
           FROM screening WHERE patient_id = $1 ORDER BY created_at DESC`,
      ),
      q<{
        id: string;
        protocol_key: string;
        protocol_version: number;
        name: string;
        visit_count: number | null;
        status: string;
        created_at: Date;
      }>(
        `SELECT c.id, c.protocol_key, c.protocol_version, p.name, (p.rules->>'visitCount')::int AS visit_count, c.status, c.created_at
           FROM course c JOIN protocol p ON p.key = c.protocol_key AND p.version = c.protocol_version
          WHERE c.patient_id = $1 ORDER BY c.created_at DESC`,
      ),
      q<{
        id: string;
        course_id: string | null;
        sequence: number | null;
        kind: string;
        starts_at: Date;
        ends_at: Date;
        status: string;
        chair_name: string | null;
        ride_status: string;
        flags: string[];
        started_at: Date | null;
      }>(
        `SELECT a.id, a.course_id, a.sequence, a.kind, a.starts_at, a.ends_at, a.status, ch.name AS chair_name, a.ride_status, a.flags,
                a.started_at
           FROM appointment a LEFT JOIN chair ch ON ch.id = a.chair_id
          WHERE a.patient_id = $1 AND a.status <> 'held' ORDER BY a.starts_at`,
      ),
      q<{
        appointment_id: string;
        phase: string;
        systolic: number;
        diastolic: number;
        heart_rate: number;
        spo2: number;
        accepted: boolean | null;
        taken_at: Date;
      }>(
        `SELECT appointment_id, phase, systolic, diastolic, heart_rate, spo2, accepted, taken_at FROM vitals_reading
          WHERE patient_id = $1 ORDER BY taken_at`,
      ),
      q<{ appointment_id: string; name: string; severity: string; note: string | null; recorded_at: Date }>(
        `SELECT appointment_id, name, severity, note, recorded_at FROM side_effect WHERE patient_id = $1 ORDER BY recorded_at`,
      ),
      q<{ appointment_id: string; filed_at: Date }>(`SELECT appointment_id, filed_at FROM rems_monitoring_form WHERE patient_id = $1`),
      q<{
        id: string;
        instrument: 'PHQ-9' | 'GAD-7';
        score: number;
        severity: string;
        item9_positive: boolean;
        relapse_signal: boolean;
        source: string;
        taken_at: Date;
      }>(
        `SELECT id, instrument, score, severity, item9_positive, relapse_signal, source, taken_at FROM assessment
          WHERE patient_id = $1 ORDER BY taken_at, id`,
      ),
      q<Record<string, unknown>>(
        `SELECT id, kind, appointment_id AS "appointmentId", feeling, side_effects AS "sideEffects", suicidal_thoughts AS "suicidalThoughts",
                assessment_id AS "assessmentId", answered_at AS "answeredAt"
           FROM check_in_answer WHERE patient_id = $1 ORDER BY answered_at DESC`,
      ),
      q<Record<string, unknown>>(
        `SELECT id, kind, status, priority, appointment_id AS "appointmentId", created_at AS "createdAt", resolved_at AS "resolvedAt", note
           FROM task WHERE patient_id = $1 ORDER BY created_at DESC`,
      ),
      q<Record<string, unknown>>(
        `SELECT id, kind, channel, status, send_at AS "sendAt", sent_at AS "sentAt", appointment_id AS "appointmentId"
           FROM message WHERE patient_id = $1 ORDER BY send_at DESC, id LIMIT ${CHART_MESSAGES}`,
      ),
    ]);

    const byVisit = <T extends { appointment_id: string }>(rows: T[]) => {
      const m = new Map<string, T[]>();
      for (const r of rows) m.set(r.appointment_id, [...(m.get(r.appointment_id) ?? []), r]);
      return m;
    };
    const vitalsOf = byVisit(vitals);
    const effectsOf = byVisit(effects);
    const formOf = new Map(forms.map((f) => [f.appointment_id, f.filed_at]));
    const visit = (v: (typeof visits)[number]): ChartVisit => ({
      id: v.id,
      sequence: v.sequence,
      kind: v.kind,
      startsAt: v.starts_at.toISOString(),
      endsAt: v.ends_at.toISOString(),
      status: v.status,
      chairName: v.chair_name,
      ride: { status: v.ride_status },
      flags: v.flags,
      vitals: (vitalsOf.get(v.id) ?? []).map((r) => ({
        phase: r.phase,
        systolic: r.systolic,
        diastolic: r.diastolic,
        heartRate: r.heart_rate,
        spo2: r.spo2,
        accepted: r.accepted,
        takenAt: r.taken_at.toISOString(),
      })),
      sideEffects: (effectsOf.get(v.id) ?? []).map((e) => ({
        name: e.name,
        severity: e.severity,
        note: e.note,
        recordedAt: e.recorded_at.toISOString(),
      })),
      // A Spravato session's REMS Patient Monitoring Form: filed, or due within 7 days of the session.
      ...(v.kind === 'spravato' && v.started_at
        ? {
            remsForm: formOf.has(v.id)
              ? { status: 'filed' as const, filedAt: (formOf.get(v.id) as Date).toISOString() }
              : { status: 'due' as const, dueAt: new Date(remsFormDueAt(v.started_at.getTime(), clinic.timezone)).toISOString() },
          }
        : {}),
    });

    const baseline = new Map<string, number>();
    const history: ChartAssessment[] = assessments.map((a) => {
      const first = baseline.get(a.instrument);
      if (first === undefined) baseline.set(a.instrument, a.score);
      const o = evaluateOutcome({ instrument: a.instrument, score: a.score, baseline: first ?? a.score });
      return {
        id: a.id,
        instrument: a.instrument,
        score: a.score,
        severity: a.severity,
        ...(a.instrument === 'PHQ-9' ? { item9Positive: a.item9_positive } : {}),
        changeFromBaseline: first === undefined ? null : o.changeFromBaseline,
        response: o.response,
        remission: o.remission,
        relapseSignal: a.relapse_signal,
        source: a.source,
        takenAt: a.taken_at.toISOString(),
      };
    });

    await auditPatient(this.audit, actor, {
      action: 'patient.chart',
      resourceType: 'patient',
      resourceId: patient.id,
      clinicId: patient.clinicId,
      patientId: patient.id,
    });
    return {
      patient: {
        id: patient.id,
        clinicId: patient.clinicId,
        givenName: patient.givenName,
        familyName: patient.familyName,
        displayName: `${patient.givenName} ${patient.familyName}`,
        birthDate: patient.birthDate,
        email: patient.email,
        phone: patient.phone,
        contactPreference: patient.contactPreference,
        consent: patient.consent,
        remsEnrollment: patient.remsEnrollmentId ? { enrollmentId: patient.remsEnrollmentId, enrolledOn: patient.remsEnrolledOn } : null,
      },
      screenings: screenings.map(isoDates),
      courses: courses.map((c) => {
        const own = visits.filter((v) => v.course_id === c.id);
        const total = c.visit_count ?? findDefaultProtocol(c.protocol_key)?.rules.visitCount ?? own.length;
        return {
          id: c.id,
          protocol: { key: c.protocol_key, version: c.protocol_version, name: c.name },
          status: c.status,
          createdAt: c.created_at.toISOString(),
          progress: { done: own.filter((v) => v.status === 'discharged').length, total },
          visits: own.map(visit),
        };
      }),
      otherVisits: visits.filter((v) => v.course_id === null).map(visit),
      assessments: history,
      checkIns: checkIns.map(isoDates),
      tasks: tasks.map(isoDates),
      messages: messages.map(isoDates),
    };
  }
}

/** Rows read with column aliases: only their Date values need turning into ISO strings. */
function isoDates<T extends Record<string, unknown>>(row: T): T {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])) as T;
}
