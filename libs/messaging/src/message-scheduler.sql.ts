import type { CourseEndVisit } from '@chairtime/domain';
import type { Patient } from '@chairtime/clinical/entities';
import type { Course, ProtocolEntity } from '@chairtime/courses/entities';
import type { Clinic, VisitKind } from '@chairtime/scheduling/entities';
import { outboxInsertSql } from '@chairtime/jobs';
import { epochMsSql as ms } from '@chairtime/persistence';
import type { MessagePlan } from './entities';

/*
 * The statements of message planning on a booking's path (MessageSchedulerListener): plain
 * parameterised SQL, prepared once per connection, answering JSON with the entities' field names.
 */

/** What planning reads of a patient: the zone, the contact preference and the consent (no names). */
export type MessagePatient = Pick<Patient, 'id' | 'clinicId' | 'timezone' | 'contactPreference' | 'consent'>;
export type PlanRow = Pick<MessagePlan, 'clinicId' | 'entries'>;

export type PlanClinic = Pick<Clinic, 'id' | 'timezone' | 'settings'>;
export type PlanKind = Pick<VisitKind, 'key' | 'rideRequired'>;
export type CourseRow = Pick<Course, 'id' | 'clinicId' | 'patientId' | 'protocolKey' | 'protocolVersion' | 'status'>;

/** What planning the messages of some visits reads besides the visits ({@link PLAN_CONTEXT_SQL}). */
export interface PlanContext {
  /** Visits of the list that already have a per-visit message (any status): planned before. */
  planned: string[];
  clinics: PlanClinic[];
  patients: MessagePatient[];
  plans: PlanRow[];
  kinds: PlanKind[];
  courses: { course: CourseRow; protocol: Pick<ProtocolEntity, 'rules'> }[];
}

/**
 * Everything a plan-messages job reads besides its locked visits, in one statement, as JSON with
 * the entities' field names: which of the visits ($1) are planned already, and the clinics ($2),
 * patients ($3), clinic plans, visit kinds ($4) and courses ($5, with their protocol version's
 * rules) the visits name — ids taken from the locked rows, not read again.
 */
export const PLAN_CONTEXT_SQL = `SELECT
  (SELECT coalesce(json_agg(DISTINCT m.appointment_id), '[]') FROM message m
     WHERE m.appointment_id = ANY($1::uuid[]) AND m.anchor <> 'course-end') AS planned,
  (SELECT coalesce(json_agg(json_build_object('id', c.id, 'timezone', c.timezone, 'settings', c.settings)), '[]')
     FROM clinic c WHERE c.id = ANY($2::uuid[])) AS clinics,
  (SELECT coalesce(json_agg(json_build_object('id', p.id, 'clinicId', p.clinic_id, 'timezone', p.timezone,
            'contactPreference', p.contact_preference, 'consent', p.consent)), '[]')
     FROM patient p WHERE p.id = ANY($3::uuid[])) AS patients,
  (SELECT coalesce(json_agg(json_build_object('clinicId', mp.clinic_id, 'entries', mp.entries)), '[]')
     FROM message_plan mp WHERE mp.clinic_id = ANY($2::uuid[])) AS plans,
  (SELECT coalesce(json_agg(json_build_object('key', k.key, 'rideRequired', k.ride_required)), '[]')
     FROM visit_kind k WHERE k.key = ANY($4::text[])) AS kinds,
  (SELECT coalesce(json_agg(json_build_object(
            'course', json_build_object('id', c.id, 'clinicId', c.clinic_id, 'patientId', c.patient_id,
              'protocolKey', c.protocol_key, 'protocolVersion', c.protocol_version, 'status', c.status),
            'protocol', json_build_object('rules', pr.rules))), '[]')
     FROM course c JOIN protocol pr ON pr.key = c.protocol_key AND pr.version = c.protocol_version
     WHERE c.id = ANY($5::uuid[])) AS courses`;

/** A course's visits (for its end) and its pending course-end messages, as JSON; `$n` names the course. */
const courseEndState = (n: number): string => `
  (SELECT coalesce(json_agg(json_build_object('id', a.id, 'kind', a.kind, 'status', a.status,
            'startsAt', ${ms('a.starts_at')}, 'chairReleasedAt', ${ms('a.chair_released_at')}, 'version', a.version)), '[]')
     FROM appointment a WHERE a.course_id = $${n}) AS visits,
  (SELECT coalesce(json_agg(json_build_object('appointmentId', m.appointment_id, 'kind', m.kind, 'offset', m."offset",
            'plannedAt', ${ms('m.planned_at')}, 'sendAt', ${ms('m.send_at')})), '[]')
     FROM message m WHERE m.course_id = $${n} AND m.anchor = 'course-end' AND m.status = 'scheduled') AS pending`;

/** What `MessageSchedulerListener.planCourseEnd` reads of a course: its visits and its pending course-end messages. */
export interface CourseEndState {
  visits: CourseEndVisit[];
  pending: { appointmentId: string; kind: string; offset: string; plannedAt: number; sendAt: number }[];
}

/** {@link CourseEndState} of course $1. */
export const COURSE_END_STATE_SQL = `SELECT ${courseEndState(1)}`;

/**
 * Message rows and outbox jobs in one statement, one array per column, so the text is the same
 * for any number of rows (prepared once per connection). Ids are chosen by the caller: the send
 * jobs name their message. It also answers the {@link CourseEndState} of course $22 (none when
 * null), read from the snapshot the statement starts with: that holds the visits the change wrote
 * before and none of the rows inserted here (never course-end messages), so planning reads its
 * course end without another round trip.
 */
export const INSERT_SQL = `WITH m AS (
    INSERT INTO message (id, clinic_id, patient_id, appointment_id, course_id, kind, channel, anchor, "offset",
      planned_at, send_at, status, skip_reason, appointment_version, not_after)
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[],
      $10::timestamptz[], $11::timestamptz[], $12::text[], $13::text[], $14::int[], $15::timestamptz[])),
  o AS (
    ${outboxInsertSql(16)})
  SELECT ${courseEndState(22)}`;

/**
 * The open jobs of one name whose ids start with one of the prefixes $2 (`ride-<visit id>-`: every
 * version and stage of a visit's ride checks); $3 holds each prefix's end ({@link prefixEnd}). Ids
 * are compared byte-wise (`COLLATE "C"`) as ranges [prefix, end), which the partial index
 * `outbox_entry_open_job_idx` answers with one short range scan per visit. The same rows as
 * `job_id LIKE ANY(prefixes || '%')`, which no index can serve (a pattern array is never turned
 * into index bounds): every reschedule and cancel read the whole outbox. $1 is the job name.
 *
 * `OFFSET 0` keeps the lookup a per-prefix subquery: flattened into a join, the planner prices a
 * range with bounds it cannot see at 0.5% of the table and reads every open row instead.
 */
export const OPEN_JOBS_BY_PREFIX_SQL = `SELECT o.job_id, o.clinic_id
  FROM unnest($2::text[], $3::text[]) AS p(lo, hi)
  CROSS JOIN LATERAL (
    SELECT job_id, clinic_id FROM outbox_entry
    WHERE job_name = $1 AND op = 'add' AND done_at IS NULL AND job_id COLLATE "C" >= p.lo AND job_id COLLATE "C" < p.hi
    OFFSET 0) o`;

/** The least string after every string starting with `prefix`, byte-wise: its last character moved one up. */
export function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}
