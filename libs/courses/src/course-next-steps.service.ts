import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { DomainError } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { Appointment } from '@chairtime/scheduling';
import { Assessment } from '@chairtime/clinical/entities';
import { ProtocolService } from './protocol.service';
import { Actor, loadCourse } from './course-access';

const DAY_MS = 24 * 3600_000;
/** DOMAIN.md: the follow-up consult is within 7 days after the last induction infusion. */
const FOLLOW_UP_DAYS = 7;
const BOOSTER_PROTOCOL = 'iv-booster';
const LIVE = ['booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged'];

export interface NextSteps {
  followUp: { earliest: string; latest: string };
  booster: { protocolKey: string; earliest: string; latest: string; preferred: string };
}

/**
 * What comes after a complete IV induction: the follow-up consult window and the booster window,
 * both measured from the last infusion (the booster's anchor). The booster window is read from the
 * iv-booster protocol's repeat rule, so a new protocol version moves it without a code change. A
 * relapse signal on the patient's latest assessment pulls `preferred` to the window start.
 */
@Injectable()
export class CourseNextStepsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly protocols: ProtocolService,
    private readonly audit: AuditService,
  ) {}

  async nextSteps(actor: Actor, courseId: string): Promise<NextSteps> {
    const em = this.dataSource.manager;
    const course = await loadCourse(em, actor.principal, courseId);
    const protocol = await this.protocols.version(course.protocolKey, course.protocolVersion, em);
    const visits = await em.getRepository(Appointment).find({
      where: { courseId: course.id, status: In(LIVE) },
      order: { startsAt: 'ASC' },
    });
    if (protocol.key !== 'iv-induction' || visits.length < protocol.rules.visitCount) {
      throw new DomainError('invalid-state', 'Next steps follow a fully booked IV induction', { currentStatus: course.status });
    }
    const last = visits[visits.length - 1];
    const anchor = last.startsAt.getTime();
    const repeat = (await this.protocols.latest(BOOSTER_PROTOCOL, em)).rules.repeat;
    if (!repeat) throw new DomainError('invalid-state', 'The booster protocol has no repeat rule');
    // The latest outcome assessment decides: a relapse signal pulls the booster to the window start.
    const latest = await em.getRepository(Assessment).findOne({
      where: { patientId: course.patientId, clinicId: course.clinicId },
      order: { takenAt: 'DESC' },
    });
    const relapse = latest?.relapseSignal === true;
    const iso = (ms: number) => new Date(ms).toISOString();
    await this.audit.record({
      actorId: actor.principal.userId,
      actorRole: actor.principal.role,
      action: 'course.next-steps.read',
      resourceType: 'course',
      resourceId: course.id,
      clinicId: course.clinicId,
      patientId: course.patientId,
      requestId: actor.requestId,
      outcome: 'success',
    });
    return {
      followUp: { earliest: iso(last.endsAt.getTime()), latest: iso(anchor + FOLLOW_UP_DAYS * DAY_MS) },
      booster: {
        protocolKey: BOOSTER_PROTOCOL,
        earliest: iso(anchor + repeat.windowMinDays * DAY_MS),
        latest: iso(anchor + repeat.windowMaxDays * DAY_MS),
        preferred: iso(anchor + (relapse ? repeat.windowMinDays : repeat.intervalDays) * DAY_MS),
      },
    };
  }
}
