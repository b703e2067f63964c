import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { DomainError, validateMovedSeries } from '@chairtime/domain';
import { Appointment, Clinic, RescheduleGuards } from '@chairtime/scheduling';
import { Course } from './entities';
import { ProtocolService } from './protocol.service';

/** Statuses of visits that still count in a course's series. */
const IN_SERIES = ['held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged'];

/**
 * Moving one visit of a course re-validates the whole series with the moved start, so spacing to
 * both neighbours (and week counts, span, repeat windows) is checked — not just the moved visit.
 * Registered with the scheduling module's RescheduleGuards; runs inside the reschedule transaction.
 */
@Injectable()
export class CourseRescheduleGuard implements OnModuleInit {
  constructor(
    private readonly protocols: ProtocolService,
    private readonly guards: RescheduleGuards,
  ) {}

  onModuleInit(): void {
    this.guards.register((em, appointment, newStart) => this.assertReschedule(em, appointment, newStart));
  }

  /** Throws `DomainError('rule-violation', …, {violations})` when the moved series breaks its protocol. */
  async assertReschedule(em: EntityManager, appointment: Appointment, startsAt: Date): Promise<void> {
    if (!appointment.courseId || appointment.sequence === null) return;
    const course = await em.getRepository(Course).findOne({ where: { id: appointment.courseId } });
    if (!course) return;
    const clinic = await em.getRepository(Clinic).findOneOrFail({ where: { id: course.clinicId } });
    const protocol = await this.protocols.version(course.protocolKey, course.protocolVersion, em);
    const visits = await em.getRepository(Appointment).find({ where: { courseId: course.id, status: In(IN_SERIES) } });
    const series = visits.map((v) => ({
      sequence: v.sequence ?? 0,
      start: v.id === appointment.id ? startsAt.getTime() : v.startsAt.getTime(),
    }));
    if (!visits.some((v) => v.id === appointment.id)) series.push({ sequence: appointment.sequence, start: startsAt.getTime() });
    const violations = validateMovedSeries(protocol, series, clinic.timezone, course.anchorAt ? course.anchorAt.getTime() : undefined);
    if (violations.length > 0) {
      throw new DomainError('rule-violation', `The move breaks the ${protocol.key} protocol`, {
        violations: violations.map((v) => ({ code: v.code, sequence: v.sequence, message: v.message })),
      });
    }
  }
}
