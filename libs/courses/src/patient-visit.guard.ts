import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { assertRems, CLOCK, Clock, DomainError, REMS_VISIT_KIND, restDayClashes, RestDayVisit } from '@chairtime/domain';
import { txQuery } from '@chairtime/persistence';
import { Patient } from '@chairtime/clinical/entities';
import { Appointment, Clinic, RescheduleGuards, SingleVisit } from '@chairtime/scheduling';
import { SCREENING_GATE, ScreeningGate } from './screening-gate';

/** What the rest-day check is asked about: new starts of one kind for one patient. */
export interface RestDayQuestion {
  clinic: Pick<Clinic, 'timezone'>;
  patientId: string;
  kind: string;
  starts: Date[];
  /** The course being booked or moved: its own visits are the protocol's business, not this rule's. */
  courseId?: string | null;
  /** The visit being moved: not compared with itself. */
  appointmentId?: string;
}

/** What {@link REST_DAY_SQL} answers. */
interface RestDayRow {
  /** Rest days by visit kind: the largest `minGapDays` of the latest protocols of each kind. */
  rest_days: Record<string, number>;
  visits: { kind: string; start: string; courseId: string | null }[];
}

/**
 * The rest days of every visit kind (the latest protocol versions, as `restDaysOfKind` reads them) and the patient's other
 * live visits near the span, in one prepared round trip (it is on every series booking's path):
 * held (unexpired by $4, the injected clock's now), booked or on their day of treatment, within the
 * largest rest day of the span $2–$3. $1 patient, $5 a course to leave out, $6 a visit to leave out.
 */
const REST_DAY_SQL = `WITH latest AS (
    SELECT DISTINCT ON (key) visit_kind, coalesce((rules ->> 'minGapDays')::int, 0) AS gap FROM protocol ORDER BY key, version DESC),
  rest AS (SELECT visit_kind, max(gap) AS gap FROM latest GROUP BY visit_kind),
  reach AS (SELECT make_interval(days => coalesce(max(gap), 0) + 1) AS span FROM rest)
  SELECT (SELECT coalesce(json_object_agg(visit_kind, gap), '{}'::json) FROM rest) AS rest_days,
    (SELECT coalesce(json_agg(json_build_object('kind', a.kind, 'start', a.starts_at, 'courseId', a.course_id)), '[]'::json)
       FROM appointment a, reach
      WHERE a.patient_id = $1 AND a.starts_at >= $2::timestamptz - reach.span AND a.starts_at < $3::timestamptz + reach.span
        AND (a.status IN ('booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged')
             OR (a.status = 'held' AND a.hold_expires_at > $4::timestamptz))
        AND ($5::uuid IS NULL OR a.course_id IS DISTINCT FROM $5::uuid)
        AND ($6::uuid IS NULL OR a.id <> $6::uuid)) AS visits`;

/**
 * The rules of a patient's visits that no single series sees, applied wherever a visit is placed:
 *
 * - a single treatment visit (`POST /v1/appointments` of a chair kind) obeys what a course
 *   enforces: an approved screening (where the clinic requires it), Spravato REMS and the rest day;
 * - a move (reschedule, waitlist claim) of a Spravato visit re-checks REMS, and any move keeps the
 *   rest day from the patient's visits outside its course;
 * - a series booking keeps the rest day from the patient's visits outside the course
 *   ({@link assertRestDay}, called by CourseBookingService).
 *
 * Every caller holds the patient's lock (libs/persistence), so what is read here still holds at
 * commit. Registered on the scheduling module's guard registry at init.
 */
@Injectable()
export class PatientVisitGuard implements OnModuleInit {
  constructor(
    private readonly guards: RescheduleGuards,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(SCREENING_GATE) private readonly gate: ScreeningGate | null,
  ) {}

  onModuleInit(): void {
    this.guards.registerSingleVisit((em, visit) => this.assertSingleVisit(em, visit));
    this.guards.register((em, appointment, newStart) => this.assertMove(em, appointment, newStart));
  }

  /** A single visit outside a course: consults pass; treatment visits meet the course's gates. */
  async assertSingleVisit(em: EntityManager, visit: SingleVisit): Promise<void> {
    if (!visit.kind.needsChair) return;
    if (this.gate) await this.gate.assertEligible(em, visit.patientId, visit.clinic.id);
    await this.assertRemsOf(em, visit.kind.key, visit.patientId, visit.clinic);
    await this.assertRestDay(em, { clinic: visit.clinic, patientId: visit.patientId, kind: visit.kind.key, starts: [visit.startsAt] });
  }

  /** A move: REMS for Spravato, and the rest day from the patient's visits outside the course. */
  async assertMove(em: EntityManager, appointment: Appointment, newStart: Date): Promise<void> {
    const clinic = await em.getRepository(Clinic).findOneOrFail({ where: { id: appointment.clinicId } });
    await this.assertRemsOf(em, appointment.kind, appointment.patientId, clinic);
    await this.assertRestDay(em, {
      clinic,
      patientId: appointment.patientId,
      kind: appointment.kind,
      starts: [newStart],
      courseId: appointment.courseId,
      appointmentId: appointment.id,
    });
  }

  /**
   * Refuses (422 `rest-day`) starts closer than the rest day to the patient's other live visits
   * (outside `courseId`). The message says to book through the course when the other visit is a
   * course's: that is where its spacing is planned.
   */
  async assertRestDay(em: EntityManager, q: RestDayQuestion): Promise<void> {
    if (q.starts.length === 0) return;
    const times = q.starts.map((s) => s.getTime());
    const [row] = await txQuery<RestDayRow>(em, 'rest-day-visits', REST_DAY_SQL, [
      q.patientId,
      new Date(Math.min(...times)),
      new Date(Math.max(...times)),
      new Date(this.clock.now()),
      q.courseId ?? null,
      q.appointmentId ?? null,
    ]);
    const restDays = (kind: string) => row.rest_days[kind] ?? 0;
    if (restDays(q.kind) === 0 || row.visits.length === 0) return;
    const others: (RestDayVisit & { courseId: string | null })[] = row.visits.map((v) => ({
      kind: v.kind,
      start: Date.parse(v.start),
      courseId: v.courseId,
    }));
    const clashes = times.flatMap((start) => restDayClashes({ kind: q.kind, start }, others, q.clinic.timezone, restDays));
    if (clashes.length === 0) return;
    const inCourse = clashes.some((c) => (c.other as (typeof others)[number]).courseId !== null);
    const hint = inCourse ? '; visits of a course are spaced by booking or moving them through the course' : '';
    throw new DomainError('rule-violation', `The patient needs a rest day between treatment visits: ${clashes[0].message}${hint}`, {
      reason: 'rest-day',
      violations: clashes.map((c) => ({ code: 'rest-day', message: c.message })),
    });
  }

  private async assertRemsOf(em: EntityManager, kind: string, patientId: string, clinic: Pick<Clinic, 'settings'>): Promise<void> {
    if (kind !== REMS_VISIT_KIND) return;
    const patient = await em.getRepository(Patient).findOne({ where: { id: patientId }, select: { id: true, remsEnrollmentId: true } });
    assertRems(kind, { patientEnrolled: !!patient?.remsEnrollmentId, siteCertified: clinic.settings.remsCertified });
  }
}
