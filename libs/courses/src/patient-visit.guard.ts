import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  assertRems,
  CLOCK,
  Clock,
  DomainError,
  Protocol,
  REMS_VISIT_KIND,
  restDayClashes,
  RestDayVisit,
  restDaysOfKind,
} from '@chairtime/domain';
import { Patient } from '@chairtime/clinical/entities';
import { Appointment, Clinic, RescheduleGuards, SingleVisit } from '@chairtime/scheduling';
import { ProtocolEntity } from './entities';
import { toProtocol } from './protocol.service';
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

/** A live visit of the patient as the rest-day query returns it. */
interface OtherVisitRow {
  kind: string;
  starts_at: Date;
  course_id: string | null;
}

/**
 * The patient's other live visits near a span: held (unexpired by $4, the injected clock's now),
 * booked or on their day of treatment. $1 patient, $2/$3 the span, $5 a course to leave out, $6 a
 * visit to leave out.
 */
const OTHER_VISITS_SQL = `SELECT kind, starts_at, course_id FROM appointment
  WHERE patient_id = $1 AND starts_at >= $2 AND starts_at < $3
    AND (status IN ('booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged') OR (status = 'held' AND hold_expires_at > $4))
    AND ($5::uuid IS NULL OR course_id IS DISTINCT FROM $5::uuid)
    AND ($6::uuid IS NULL OR id <> $6::uuid)`;

const DAY_MS = 86_400_000;

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
    const protocols = await latestProtocols(em);
    const restDays = (kind: string) => restDaysOfKind(protocols, kind);
    if (restDays(q.kind) === 0) return;
    const reach = (Math.max(...protocols.map((p) => p.rules.minGapDays ?? 0)) + 1) * DAY_MS;
    const times = q.starts.map((s) => s.getTime());
    const rows = await em.query<OtherVisitRow[]>(OTHER_VISITS_SQL, [
      q.patientId,
      new Date(Math.min(...times) - reach),
      new Date(Math.max(...times) + reach),
      new Date(this.clock.now()),
      q.courseId ?? null,
      q.appointmentId ?? null,
    ]);
    if (rows.length === 0) return;
    const others: (RestDayVisit & { courseId: string | null })[] = rows.map((r) => ({
      kind: r.kind,
      start: r.starts_at.getTime(),
      courseId: r.course_id,
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

/** The latest version of every protocol, read in the caller's transaction (no second connection). */
async function latestProtocols(em: EntityManager): Promise<Protocol[]> {
  const rows = await em
    .getRepository(ProtocolEntity)
    .createQueryBuilder('p')
    .distinctOn(['p.key'])
    .orderBy('p.key')
    .addOrderBy('p.version', 'DESC')
    .getMany();
  return rows.map(toProtocol);
}
