import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  addDays,
  CandidateSlot,
  Clock,
  CLOCK,
  computeAvailability,
  DomainError,
  earliestBookableStart,
  instantToLocal,
  localDayBounds,
  localDayStart,
  planSeries,
  PlanPreferences,
  Protocol,
  isSchedulingDate,
  schedulingYearsMessage,
} from '@chairtime/domain';
import { bookingParty, CapacityLoader, loadPatientBusy, loadVisitKind, visitKindSpec } from '@chairtime/scheduling';
import { AuditService } from '@chairtime/audit';
import { ProtocolService } from './protocol.service';
import { Actor, loadClinic, loadCourse } from './course-access';

/** Days of capacity loaded beyond the protocol's own window, so a plan may start a little later. */
const SLACK_DAYS = 14;

export interface PlanRequest {
  earliestStart: string;
  preferences?: PlanPreferences;
  limit?: number;
}

export interface PlanView {
  visits: { sequence: number; startsAt: string; endsAt: string; chairId: string }[];
  score: number;
}

/** Days a whole booking of the protocol can span: the window capacity is loaded for. */
export function protocolSpanDays(protocol: Protocol): number {
  const r = protocol.rules;
  if (r.repeat) return r.repeat.windowMaxDays * r.visitCount;
  if (r.phases?.length) return Math.max(...r.phases.map((p) => p.toWeek)) * 7;
  if (r.maxSpanDays !== undefined) return r.maxSpanDays;
  return r.visitCount * 7;
}

/**
 * Proposes series for a course: capacity → availability → planSeries (all rules in libs/domain).
 * A plan is bookable when returned (API.md): it leaves out the times of the patient's other live
 * visits and, when the patient asks, every start sooner than the clinic's `minimumLeadMinutes`.
 */
@Injectable()
export class CoursePlannerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly protocols: ProtocolService,
    private readonly capacity: CapacityLoader,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async plans(actor: Actor, courseId: string, req: PlanRequest): Promise<{ plans: PlanView[] }> {
    const em = this.dataSource.manager;
    const course = await loadCourse(em, actor.principal, courseId);
    const clinic = await loadClinic(em, course.clinicId);
    const protocol = await this.protocols.version(course.protocolKey, course.protocolVersion, em);
    const zone = clinic.timezone;
    const now = this.clock.now();
    const today = instantToLocal(now, zone).date;
    if (req.earliestStart < today) {
      throw new DomainError('validation', 'earliestStart must not be in the past', { path: 'earliestStart' });
    }
    if (!isSchedulingDate(req.earliestStart)) {
      throw new DomainError('validation', schedulingYearsMessage('earliestStart'), { path: 'earliestStart' });
    }
    const kind = await loadVisitKind(em, protocol.visitKind);
    const anchor = course.anchorAt?.getTime();
    // A repeat protocol cannot start before its window opens after the anchor.
    let fromDate = req.earliestStart;
    if (anchor !== undefined && protocol.rules.repeat) {
      const windowOpens = addDays(instantToLocal(anchor, zone).date, protocol.rules.repeat.windowMinDays);
      if (windowOpens > fromDate) fromDate = windowOpens;
    }
    const toDate = addDays(fromDate, protocolSpanDays(protocol) + SLACK_DAYS);
    const capacity = await this.capacity.load(em, clinic, fromDate, toDate);
    // What this caller could book: a patient only from now + the clinic's lead; staff from now.
    const bookableFrom = earliestBookableStart(bookingParty(actor.principal), now, clinic.settings.minimumLeadMinutes);
    const slots = computeAvailability(capacity, { kind: visitKindSpec(kind, clinic), fromDate, toDate, now: bookableFrom });
    const window = { start: localDayStart(fromDate, zone), end: localDayBounds(toDate, zone).end };
    const busy = await loadPatientBusy(em, course.patientId, window.start, window.end, now);
    const candidates: CandidateSlot[] = slots.map((s) => ({
      start: s.start,
      end: s.end,
      chairReleasedAt: s.chairReleasedAt,
      chairIds: s.chairIds,
      fragmentation: s.fragmentation,
    }));
    const plans = planSeries({
      protocol,
      zone,
      // The first instant of that date: on a day without a local midnight (America/Santiago
      // 2027-09-05) it is 01:00, and reading 00:00 as a wall time would refuse it.
      earliestStart: Math.max(bookableFrom, localDayStart(req.earliestStart, zone)),
      candidates,
      preferences: req.preferences,
      limit: req.limit ?? 5,
      anchor,
      busy,
    });
    await this.audit.record({
      actorId: actor.principal.userId,
      actorRole: actor.principal.role,
      action: 'course.plan',
      resourceType: 'course',
      resourceId: course.id,
      clinicId: course.clinicId,
      patientId: course.patientId,
      requestId: actor.requestId,
      outcome: 'success',
    });
    return {
      plans: plans.map((p) => ({
        visits: p.visits.map((v) => ({
          sequence: v.sequence,
          startsAt: new Date(v.start).toISOString(),
          endsAt: new Date(v.end).toISOString(),
          chairId: v.chairId,
        })),
        score: p.score.total,
      })),
    };
  }
}
