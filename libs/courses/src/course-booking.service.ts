import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock, CLOCK, courseMachine, DomainError, validateSeries } from '@chairtime/domain';
import { inTransaction } from '@chairtime/persistence';
import { AuditService } from '@chairtime/audit';
import { cancelJobs, enqueue, jobId, JobName } from '@chairtime/jobs';
import { Patient } from '@chairtime/clinical/entities';
import { Appointment, AppointmentEvents, BookingConflict, BookingService, toAppointmentResponse } from '@chairtime/scheduling';
import { Booking, Course } from './entities';
import { ProtocolService } from './protocol.service';
import { IdempotencyService, requestHash, StoredResponse } from './idempotency.service';
import { Actor, loadClinic, loadCourse } from './course-access';
import { assertRems } from './course.service';
import { moveHeldVisits } from './held-visits';

export interface BookSeriesRequest {
  visits: { sequence: number; startsAt: string; chairId?: string }[];
  hold?: boolean;
}

export interface BookingView {
  bookingId: string;
  status: 'booked' | 'held';
  holdExpiresAt?: string;
  appointments: unknown[];
}

/**
 * Books a whole series of a course atomically: validate against the protocol version of the course,
 * then ONE transaction places every visit (BookingService: clinic-day locks + exclusion
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
  ) {}

  async book(actor: Actor, courseId: string, req: BookSeriesRequest, idempotencyKey: string | null): Promise<StoredResponse> {
    const hash = requestHash(`POST /v1/courses/${courseId}/bookings`, req);
    return inTransaction(this.dataSource, async (em) => {
      let keyId: string | null = null;
      if (idempotencyKey !== null) {
        // The key is claimed before the course row lock, so a replay never waits on that lock.
        const peek = await loadCourse(em, actor.principal, courseId);
        const claim = await this.idempotency.claim(em, {
          clinicId: peek.clinicId,
          actor: actor.principal.userId,
          key: idempotencyKey,
          hash,
        });
        if (claim.kind === 'replay') return claim.response;
        keyId = claim.id;
      }
      // The course row lock serializes bookings of one course (two tabs booking the same course).
      const course = await loadCourse(em, actor.principal, courseId, true);
      const clinic = await loadClinic(em, course.clinicId);
      const protocol = await this.protocols.version(course.protocolKey, course.protocolVersion, em);
      const now = this.clock.now();
      // Refuses (409 with currentStatus) a course that is already booked, completed or cancelled.
      courseMachine.next(course.status, 'book');
      if (await this.hasLiveBooking(em, course.id, now)) {
        throw new DomainError('invalid-state', 'The course already has a booking or an unexpired hold', { currentStatus: course.status });
      }
      const visits = req.visits.map((v) => ({ sequence: v.sequence, start: Date.parse(v.startsAt) }));
      const violations = validateSeries(protocol, visits, clinic.timezone, {
        anchor: course.anchorAt ? course.anchorAt.getTime() : undefined,
      });
      if (violations.length > 0) {
        throw new DomainError('rule-violation', `The visits break the ${protocol.key} protocol`, {
          violations: violations.map((v) => ({ code: v.code, sequence: v.sequence, message: v.message })),
        });
      }
      const patient = await em.getRepository(Patient).findOneOrFail({ where: { id: course.patientId } });
      assertRems(protocol, patient, clinic.settings.remsCertified);

      const hold = req.hold === true;
      const holdExpiresAt = hold ? new Date(now + (clinic.settings.holdMinutes ?? 10) * 60_000) : null;
      const booking = await em.getRepository(Booking).save(
        em.getRepository(Booking).create({
          clinicId: course.clinicId,
          courseId: course.id,
          status: hold ? 'held' : 'booked',
          holdExpiresAt,
          idempotencyKeyId: keyId,
          createdBy: actor.principal.userId,
        }),
      );
      // Everything that does not need the clinic-day locks is written before placeVisits takes
      // them: those locks serialize bookings of the same days, so they are held for as short as
      // possible. The order within the transaction changes nothing: all of it commits or none.
      if (hold) {
        await enqueue(em, {
          name: JobName.ExpireHold,
          jobId: jobId('expire-hold', booking.id),
          payload: { bookingId: booking.id },
          runAt: holdExpiresAt,
          clinicId: course.clinicId,
        });
      } else {
        course.status = courseMachine.next(course.status, 'book');
        await em.getRepository(Course).update(course.id, { status: course.status });
      }
      await this.record(actor, hold ? 'course.hold' : 'course.book', course, em);
      const appointments = await this.placeVisits(em, clinic, course, req, {
        kind: protocol.visitKind,
        hold,
        holdExpiresAt,
        bookingId: booking.id,
        createdBy: actor.principal.userId,
      });
      const body: BookingView = {
        bookingId: booking.id,
        status: hold ? 'held' : 'booked',
        ...(holdExpiresAt ? { holdExpiresAt: holdExpiresAt.toISOString() } : {}),
        appointments: appointments.sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0)).map((a) => toAppointmentResponse(a)),
      };
      const response = { status: 201, body };
      if (keyId !== null) await this.idempotency.store(em, keyId, response);
      return response;
    });
  }

  /** Turns an unexpired hold into a booking; 409 when it expired or was released. */
  async confirm(actor: Actor, courseId: string, bookingId: string): Promise<BookingView> {
    return inTransaction(this.dataSource, async (em) => {
      const course = await loadCourse(em, actor.principal, courseId, true);
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
    course: Course,
    req: BookSeriesRequest,
    o: { kind: string; hold: boolean; holdExpiresAt: Date | null; bookingId: string; createdBy: string },
  ): Promise<Appointment[]> {
    try {
      return await this.booking.bookVisits(
        em,
        clinic,
        req.visits.map((v) => ({
          key: v.sequence,
          patientId: course.patientId,
          kind: o.kind,
          startsAt: new Date(v.startsAt),
          chairId: v.chairId ?? null,
          courseId: course.id,
          sequence: v.sequence,
        })),
        { status: o.hold ? 'held' : 'booked', holdExpiresAt: o.holdExpiresAt, bookingId: o.bookingId, createdBy: o.createdBy },
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

  /** A booked booking, or a hold the clock says is still live, blocks another booking of the course. */
  private async hasLiveBooking(em: EntityManager, courseId: string, now: number): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `SELECT 1 FROM booking WHERE course_id = $1 AND (status = 'booked' OR (status = 'held' AND hold_expires_at > $2)) LIMIT 1`,
      [courseId, new Date(now)],
    );
    return rows.length > 0;
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
