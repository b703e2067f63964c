import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  assertBookingLead,
  assertRems,
  Clock,
  CLOCK,
  courseMachine,
  CourseStatus,
  DomainError,
  validateSeries,
  parseClinicTime,
} from '@chairtime/domain';
import { inTransaction, lockPatients, txQuery } from '@chairtime/persistence';
import { AuditService } from '@chairtime/audit';
import { cancelJobs, enqueue, jobId, JobName } from '@chairtime/jobs';
import { assertPatientScope } from '@chairtime/identity';
import {
  Appointment,
  AppointmentEvents,
  bookingParty,
  BookingConflict,
  BookingService,
  Clinic,
  ClinicSettings,
  toAppointmentResponse,
  VisitKind,
} from '@chairtime/scheduling';
import { Booking, Course } from './entities';
import { ProtocolService } from './protocol.service';
import { IdempotencyService, requestHash, StoredResponse } from './idempotency.service';
import { Actor, loadClinic, loadCourse, lockPatientOfCourse } from './course-access';
import { PatientVisitGuard } from './patient-visit.guard';
import { moveHeldVisits } from './held-visits';

export interface BookSeriesRequest {
  visits: { sequence: number; startsAt: string; chairId?: string }[];
  hold?: boolean;
}

/** What {@link CONTEXT_SQL} answers: the locked course with what booking it needs. */
interface BookingContextRow {
  id: string;
  clinic_id: string;
  patient_id: string;
  protocol_key: string;
  protocol_version: number;
  status: CourseStatus;
  anchor_at: Date | null;
  clinic_name: string;
  timezone: string;
  settings: ClinicSettings;
  clinic_created_at: Date;
  clinic_updated_at: Date;
  rems_enrollment_id: string | null;
  /** The protocol's visit kind (entity field names), null when the protocol names none known. */
  kind: VisitKind | null;
  /** A booked booking or a hold still live at $2 (the clock's now). */
  live: boolean;
}

/**
 * The course row locked FOR UPDATE (bookings of one course serialize on it), with its clinic, the
 * patient's REMS enrollment, the visit kind of its protocol version and whether it already has a
 * booked booking or a hold unexpired by the injected clock ($2).
 */
const CONTEXT_SQL = `SELECT c.id, c.clinic_id, c.patient_id, c.protocol_key, c.protocol_version, c.status, c.anchor_at,
    cl.name AS clinic_name, cl.timezone, cl.settings, cl.created_at AS clinic_created_at, cl.updated_at AS clinic_updated_at,
    p.rems_enrollment_id,
    (SELECT json_build_object('key', k.key, 'name', k.name, 'needsChair', k.needs_chair, 'needsClinician', k.needs_clinician,
              'capability', k.capability, 'treatmentMinutes', k.treatment_minutes, 'recoveryMinutes', k.recovery_minutes,
              'rideRequired', k.ride_required)
       FROM protocol pr JOIN visit_kind k ON k.key = pr.visit_kind
       WHERE pr.key = c.protocol_key AND pr.version = c.protocol_version) AS kind,
    EXISTS (SELECT 1 FROM booking b WHERE b.course_id = c.id
              AND (b.status = 'booked' OR (b.status = 'held' AND b.hold_expires_at > $2))) AS live
  FROM course c JOIN clinic cl ON cl.id = c.clinic_id JOIN patient p ON p.id = c.patient_id
  WHERE c.id = $1
  FOR UPDATE OF c`;

/**
 * The booking row, the course's move to `booked` (not for a hold: it stays as it is until the
 * hold is confirmed) and the audit row, in one statement. Parameters: $1 booking id, $2 clinic,
 * $3 course, $4 booking status, $5 hold expiry, $6 idempotency key id, $7 actor, $8 the course's
 * next status, $9 actor role, $10 audit action, $11 patient, $12 request id.
 */
const WRITE_SQL = `WITH b AS (
    INSERT INTO booking (id, clinic_id, course_id, status, hold_expires_at, idempotency_key_id, created_by)
    VALUES ($1, $2, $3, $4, $5, $6, $7)),
  c AS (
    UPDATE course SET status = $8, updated_at = CURRENT_TIMESTAMP WHERE id = $3 AND $4::text = 'booked'),
  a AS (
    INSERT INTO audit_entry (actor_id, actor_role, action, resource_type, resource_id, clinic_id, patient_id, request_id, outcome)
    VALUES ($7, $9, $10, 'course', $3, $2, $11, $12, 'success'))
  SELECT 1`;

export interface BookingView {
  bookingId: string;
  status: 'booked' | 'held';
  holdExpiresAt?: string;
  appointments: unknown[];
}

/**
 * Books a whole series of a course atomically: validate against the protocol version of the course,
 * then ONE transaction places every visit (BookingService: clinic-time locks + exclusion
 * constraints), writes the booking row and moves the course. Holds expire by the clock: every
 * query that judges expiry compares `hold_expires_at` with the injected clock's time, so tests
 * can freeze and advance it and no job needs to run for a hold to stop counting.
 */
@Injectable()
export class CourseBookingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly protocols: ProtocolService,
    private readonly booking: BookingService,
    private readonly events: AppointmentEvents,
    private readonly idempotency: IdempotencyService,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly patientVisits: PatientVisitGuard,
  ) {}

  async book(actor: Actor, courseId: string, req: BookSeriesRequest, idempotencyKey: string | null): Promise<StoredResponse> {
    return inTransaction(this.dataSource, async (em) => {
      const now = this.clock.now();
      let keyId: string | null = null;
      if (idempotencyKey !== null) {
        // The key is claimed before the course row lock, so a replay never waits on that lock.
        const peek = await loadCourse(em, actor.principal, courseId);
        const claim = await this.idempotency.claim(em, {
          clinicId: peek.clinicId,
          actor: actor.principal.userId,
          key: idempotencyKey,
          // Only a request with a key is ever compared with another, so only it is hashed.
          hash: requestHash(`POST /v1/courses/${courseId}/bookings`, req),
        });
        if (claim.kind === 'replay') return claim.response;
        keyId = claim.id;
        await lockPatients(em, [peek.patientId]);
      } else {
        await lockPatientOfCourse(em, courseId);
      }
      // Under the patient's lock (taken just above, before the course row: the lock order in
      // libs/persistence), nothing else changes this patient's visits until this booking commits,
      // so the series and rest-day checks below still hold when it does.
      // The course row lock serializes bookings of one course (two tabs booking the same course).
      // The clinic, the patient's REMS enrollment, the protocol's visit kind and whether a booking
      // is live come with it: one round trip instead of five.
      const [ctx] = await txQuery<BookingContextRow>(em, 'course-book-context', CONTEXT_SQL, [courseId, new Date(now)]);
      if (!ctx) throw new DomainError('not-found', 'Course not found');
      assertPatientScope(actor.principal, { id: ctx.patient_id, clinicId: ctx.clinic_id }, 'Course');
      const clinic = Object.assign(new Clinic(), {
        id: ctx.clinic_id,
        name: ctx.clinic_name,
        timezone: ctx.timezone,
        settings: ctx.settings,
        createdAt: ctx.clinic_created_at,
        updatedAt: ctx.clinic_updated_at,
      });
      const protocol = await this.protocols.version(ctx.protocol_key, ctx.protocol_version, em);
      // Refuses (409 with currentStatus) a course that is already booked, completed or cancelled.
      const booked = courseMachine.next(ctx.status, 'book');
      if (ctx.live) {
        throw new DomainError('invalid-state', 'The course already has a booking or an unexpired hold', { currentStatus: ctx.status });
      }
      // A start without an offset is a wall time in the clinic's zone (as for single visits); one
      // inside a spring-forward gap is a 400 naming the visit.
      // A start already past is bad input too, as for a single visit.
      const visits = req.visits.map((v, i) => ({
        ...v,
        startsAt: parseClinicTime(v.startsAt, clinic.timezone, `visits[${i}].startsAt`, { notBefore: now }),
      }));
      // A patient's own booking (a series or a booster) starts no sooner than the clinic's lead.
      assertBookingLead(
        bookingParty(actor.principal),
        now,
        clinic.settings.minimumLeadMinutes,
        visits.map((v, i) => ({ path: `visits[${i}].startsAt`, start: v.startsAt.getTime() })),
      );
      const series = visits.map((v) => ({ sequence: v.sequence, start: v.startsAt.getTime() }));
      const violations = validateSeries(protocol, series, clinic.timezone, {
        anchor: ctx.anchor_at ? ctx.anchor_at.getTime() : undefined,
      });
      if (violations.length > 0) {
        throw new DomainError('rule-violation', `The visits break the ${protocol.key} protocol`, {
          violations: violations.map((v) => ({ code: v.code, sequence: v.sequence, message: v.message })),
        });
      }
      assertRems(protocol.visitKind, { patientEnrolled: !!ctx.rems_enrollment_id, siteCertified: clinic.settings.remsCertified });
      await this.patientVisits.assertRestDay(em, {
        clinic,
        patientId: ctx.patient_id,
        kind: protocol.visitKind,
        starts: visits.map((v) => v.startsAt),
        courseId: ctx.id,
      });

      const hold = req.hold === true;
      const holdExpiresAt = hold ? new Date(now + (clinic.settings.holdMinutes ?? 10) * 60_000) : null;
      const bookingId = randomUUID();
      const course = { id: ctx.id, clinicId: ctx.clinic_id, patientId: ctx.patient_id };
      // Everything that does not need the clinic-time locks is written before placeVisits takes
      // them: those locks serialize bookings of overlapping times, so they are held for as short as
      // possible. The order within the transaction changes nothing: all of it commits or none.
      // The booking row, the course's new status and the audit row go in one statement.
      await txQuery(em, 'course-book-write', WRITE_SQL, [
        bookingId,
        course.clinicId,
        course.id,
        hold ? 'held' : 'booked',
        holdExpiresAt,
        keyId,
        actor.principal.userId,
        booked,
        actor.principal.role,
        hold ? 'course.hold' : 'course.book',
        course.patientId,
        actor.requestId,
      ]);
      if (hold) {
        await enqueue(em, {
          name: JobName.ExpireHold,
          jobId: jobId('expire-hold', bookingId),
          payload: { bookingId },
          runAt: holdExpiresAt,
          clinicId: course.clinicId,
        });
      }
      const appointments = await this.placeVisits(em, clinic, course, visits, {
        kind: protocol.visitKind,
        kindRow: ctx.kind,
        hold,
        holdExpiresAt,
        bookingId,
        createdBy: actor.principal.userId,
      });
      const body: BookingView = {
        bookingId,
        status: hold ? 'held' : 'booked',
        ...(holdExpiresAt ? { holdExpiresAt: holdExpiresAt.toISOString() } : {}),
        appointments: appointments.sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0)).map((a) => toAppointmentResponse(a)),
      };
      const response = { status: 201, body };
      if (keyId !== null) await this.idempotency.store(em, keyId, response);
      return response;
    });
  }

  /**
   * Turns an unexpired hold into a booking; 409 when it expired or was released.
   *
   * Why the clinic-time locks: a confirm makes held rows count again. A booking that, a moment
   * later by the clock, judged the same hold expired would otherwise leave it out of its capacity
   * while the confirm commits — two patients on one nurse's last place. So the confirm takes the
   * locks a booking of the held chair times would take, and only then judges expiry with the
   * injected clock: a booking of overlapping time either runs entirely before (its sweep cancels
   * the hold and this answers 409) or entirely after (it sees the visits booked).
   */
  async confirm(actor: Actor, courseId: string, bookingId: string): Promise<BookingView> {
    return inTransaction(this.dataSource, async (em) => {
      await lockPatientOfCourse(em, courseId);
      const course = await loadCourse(em, actor.principal, courseId, true);
      const held = await em.getRepository(Appointment).find({ where: { bookingId, courseId: course.id, status: 'held' } });
      await this.booking.lockChairTimes(em, course.clinicId, held);
      const now = new Date(this.clock.now());
      // Expiry is judged in SQL against the clock's time, under the row lock the UPDATE takes.
      const [, changed] = (await em.query(
        `UPDATE booking SET status = 'booked', hold_expires_at = NULL, updated_at = now()
         WHERE id = $1 AND course_id = $2 AND status = 'held' AND hold_expires_at > $3 RETURNING id`,
        [bookingId, course.id, now],
      )) as [unknown, number];
      if (changed !== 1) await this.refuse(em, course.id, bookingId, now);
      const moved = await moveHeldVisits(em, bookingId, 'booked', now);
      const expected = await em.getRepository(Appointment).count({ where: { bookingId } });
      if (moved.length !== expected || moved.length === 0) {
        throw new DomainError('conflict', 'The hold no longer holds every visit', { currentStatus: 'expired' });
      }
      course.status = courseMachine.next(course.status, 'book');
      await em.getRepository(Course).save(course);
      // The expiry job would find nothing to do; withdraw it rather than let it run for nothing.
      await cancelJobs(em, JobName.ExpireHold, [jobId('expire-hold', bookingId)], course.clinicId);
      await this.events.emit(
        em,
        moved.map((a) => ({ type: 'confirmed' as const, appointment: a })),
      );
      await this.record(actor, 'course.confirm', course, em);
      return { bookingId, status: 'booked', appointments: moved.map((a) => toAppointmentResponse(a)) };
    });
  }

  /** Releases a hold: its visits are cancelled and their chairs free at once. */
  async release(actor: Actor, courseId: string, bookingId: string): Promise<void> {
    await inTransaction(this.dataSource, async (em) => {
      await lockPatientOfCourse(em, courseId);
      const course = await loadCourse(em, actor.principal, courseId, true);
      const now = new Date(this.clock.now());
      const [, changed] = (await em.query(
        `UPDATE booking SET status = 'released', updated_at = now() WHERE id = $1 AND course_id = $2 AND status = 'held' RETURNING id`,
        [bookingId, course.id],
      )) as [unknown, number];
      if (changed !== 1) await this.refuse(em, course.id, bookingId, now);
      const moved = await moveHeldVisits(em, bookingId, 'cancelled', now, 'hold-released');
      await cancelJobs(em, JobName.ExpireHold, [jobId('expire-hold', bookingId)], course.clinicId);
      await this.events.emit(
        em,
        moved.map((a) => ({ type: 'released' as const, appointment: a })),
      );
      await this.record(actor, 'course.release', course, em);
    });
  }

  private async placeVisits(
    em: EntityManager,
    clinic: Awaited<ReturnType<typeof loadClinic>>,
    course: Pick<Course, 'id' | 'patientId'>,
    visits: { sequence: number; startsAt: Date; chairId?: string }[],
    o: { kind: string; kindRow: VisitKind | null; hold: boolean; holdExpiresAt: Date | null; bookingId: string; createdBy: string },
  ): Promise<Appointment[]> {
    try {
      return await this.booking.bookVisits(
        em,
        clinic,
        visits.map((v) => ({
          key: v.sequence,
          patientId: course.patientId,
          kind: o.kind,
          startsAt: v.startsAt,
          chairId: v.chairId ?? null,
          courseId: course.id,
          sequence: v.sequence,
        })),
        { status: o.hold ? 'held' : 'booked', holdExpiresAt: o.holdExpiresAt, bookingId: o.bookingId, createdBy: o.createdBy },
        // The kind came with the course row; bookVisits reads it only when it is not the one asked for.
        o.kindRow ? [o.kindRow] : [],
      );
    } catch (e) {
      if (e instanceof DomainError && e.code === 'conflict' && Array.isArray(e.details.conflicts)) {
        const conflicts = (e.details.conflicts as BookingConflict[]).map((c) => ({
          sequence: Number(c.key),
          startsAt: c.startsAt,
          reason: c.reason,
        }));
        throw new DomainError('conflict', e.message, { conflicts });
      }
      throw e;
    }
  }

  /** Why a hold cannot be confirmed or released: 404 unknown, 409 with its current status. */
  private async refuse(em: EntityManager, courseId: string, bookingId: string, now: Date): Promise<never> {
    const b = await em.getRepository(Booking).findOne({ where: { id: bookingId, courseId } });
    if (!b) throw new DomainError('not-found', 'Booking not found');
    const status = b.status === 'held' && b.holdExpiresAt !== null && b.holdExpiresAt <= now ? 'expired' : b.status;
    throw new DomainError('invalid-state', `The booking is ${status}`, { currentStatus: status });
  }

  private record(actor: Actor, action: string, course: Course, em: EntityManager): Promise<void> {
    return this.audit.record(
      {
        actorId: actor.principal.userId,
        actorRole: actor.principal.role,
        action,
        resourceType: 'course',
        resourceId: course.id,
        clinicId: course.clinicId,
        patientId: course.patientId,
        requestId: actor.requestId,
        outcome: 'success',
      },
      em,
    );
  }
}
