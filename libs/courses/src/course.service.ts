import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { assertRems, Clock, CLOCK, courseMachine, DomainError } from '@chairtime/domain';
import { inTransaction } from '@chairtime/persistence';
import { AuditService } from '@chairtime/audit';
import { Patient } from '@chairtime/clinical/entities';
import { Appointment, BookingService, toAppointmentResponse } from '@chairtime/scheduling';
import { Role } from '@chairtime/identity';
import { Course } from './entities';
import { ProtocolService } from './protocol.service';
import { SCREENING_GATE, ScreeningGate } from './screening-gate';
import { Actor, loadClinic, loadCourse, lockPatientOfCourse } from './course-access';

/** Statuses in which a visit still holds capacity and can be cancelled. */
export const CANCELLABLE_STATUSES = ['held', 'booked'] as const;

/** `POST /v1/courses` response and the head of `GET /v1/courses/:id`. */
export interface CourseView {
  id: string;
  clinicId: string;
  patientId: string;
  status: string;
  protocol: { key: string; version: number };
  anchorAt: string | null;
  createdAt: string;
}

export const toCourseView = (c: Course): CourseView => ({
  id: c.id,
  clinicId: c.clinicId,
  patientId: c.patientId,
  status: c.status,
  protocol: { key: c.protocolKey, version: c.protocolVersion },
  anchorAt: c.anchorAt ? c.anchorAt.toISOString() : null,
  createdAt: c.createdAt.toISOString(),
});

/** Creates, reads and cancels courses. Booking lives in CourseBookingService. */
@Injectable()
export class CourseService implements OnModuleInit {
  private readonly logger = new Logger(CourseService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly protocols: ProtocolService,
    private readonly audit: AuditService,
    private readonly booking: BookingService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(SCREENING_GATE) private readonly gate: ScreeningGate | null,
  ) {}

  onModuleInit(): void {
    if (!this.gate) this.logger.warn('no screening gate is provided: courses are created without an eligibility check');
  }

  async create(actor: Actor, input: { patientId: string; clinicId: string; protocolKey: string }): Promise<CourseView> {
    return inTransaction(this.dataSource, async (em) => {
      const patient = await em.getRepository(Patient).findOne({ where: { id: input.patientId } });
      // A patient of another clinic is as missing as an unknown one.
      if (!patient || patient.clinicId !== input.clinicId) throw new DomainError('not-found', 'Patient not found');
      if (actor.principal.role === Role.Patient && actor.principal.patientId !== patient.id) {
        throw new DomainError('not-found', 'Patient not found');
      }
      if (
        actor.principal.role !== Role.Patient &&
        actor.principal.role !== Role.Admin &&
        !actor.principal.clinicIds.includes(patient.clinicId)
      ) {
        throw new DomainError('not-found', 'Patient not found');
      }
      const clinic = await loadClinic(em, input.clinicId);
      const protocol = await this.protocols.latest(input.protocolKey, em).catch((e: unknown) => {
        if (e instanceof DomainError && e.code === 'not-found') {
          throw new DomainError('validation', 'Unknown protocol', { path: 'protocolKey' });
        }
        throw e;
      });
      assertRems(protocol.visitKind, { patientEnrolled: !!patient.remsEnrollmentId, siteCertified: clinic.settings.remsCertified });
      if (this.gate) await this.gate.assertEligible(em, patient.id, clinic.id);
      const anchorAt = protocol.rules.repeat ? await this.lastVisitOfKind(em, patient.id, clinic.id, protocol.visitKind) : null;
      const course = await em.getRepository(Course).save(
        em.getRepository(Course).create({
          clinicId: clinic.id,
          patientId: patient.id,
          protocolKey: protocol.key,
          protocolVersion: protocol.version,
          status: 'draft',
          anchorAt,
          createdBy: actor.principal.userId,
        }),
      );
      await this.record(actor, 'course.create', course, em);
      return toCourseView(course);
    });
  }

  async get(actor: Actor, courseId: string): Promise<CourseView & { appointments: unknown[] }> {
    const em = this.dataSource.manager;
    const course = await loadCourse(em, actor.principal, courseId);
    const appointments = await em.getRepository(Appointment).find({
      where: { courseId: course.id },
      order: { sequence: 'ASC', startsAt: 'ASC' },
    });
    await this.record(actor, 'course.read', course);
    return { ...toCourseView(course), appointments: appointments.map((a) => toAppointmentResponse(a)) };
  }

  /** Cancels the course, every future visit that still holds capacity and the course's series booking. */
  async cancel(actor: Actor, courseId: string, reason: string): Promise<CourseView> {
    return inTransaction(this.dataSource, async (em) => {
      // The patient's lock before the course row (lock order: libs/persistence): no move of one
      // of its visits runs while the course is being cancelled.
      await lockPatientOfCourse(em, courseId);
      const course = await loadCourse(em, actor.principal, courseId, true);
      const next = courseMachine.next(course.status, 'cancel');
      const now = new Date(this.clock.now());
      const future = await em
        .getRepository(Appointment)
        .createQueryBuilder('a')
        .where('a.course_id = :id AND a.status IN (:...st) AND a.starts_at > :now', { id: course.id, st: [...CANCELLABLE_STATUSES], now })
        .orderBy('a.starts_at')
        .getMany();
      // The course is cancelled first: listeners of the visits' cancellations (course-end
      // messages) then see a cancelled course, not one that ends with its last past visit.
      course.status = next;
      course.cancelledAt = now;
      await em.getRepository(Course).save(course);
      for (const appt of future) await this.booking.cancel(em, appt, { reason, actorId: actor.principal.userId });
      // The series booking follows its course: a hold is released, a booking is cancelled.
      await em.query(
        `UPDATE booking SET status = CASE status WHEN 'held' THEN 'released' ELSE 'cancelled' END, updated_at = now()
         WHERE course_id = $1 AND status IN ('held', 'booked')`,
        [course.id],
      );
      await this.record(actor, 'course.cancel', course, em);
      return toCourseView(course);
    });
  }

  /** Start of the patient's last active course visit of this kind: what a booster is measured from. */
  private async lastVisitOfKind(em: EntityManager, patientId: string, clinicId: string, kind: string): Promise<Date | null> {
    const last = await em.getRepository(Appointment).findOne({
      where: { patientId, clinicId, kind, status: In(['booked', 'checked-in', 'in-treatment', 'discharged']) },
      order: { startsAt: 'DESC' },
    });
    return last?.courseId ? last.startsAt : null;
  }

  private record(actor: Actor, action: string, course: Course, em?: EntityManager): Promise<void> {
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
