import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  addDays,
  capacitySummary,
  CLOCK,
  Clock,
  computeAvailability,
  daysBetween,
  DEFAULT_PROTOCOLS,
  DomainError,
  estimateCourseStarts,
  instantToLocal,
  isoWeekday,
  Protocol,
  resolveLocalTime,
} from '@chairtime/domain';
import { Principal } from '@chairtime/identity';
import { Appointment, Chair } from '../entities';
import { toAppointmentResponse } from '../booking/appointment-response';
import { loadScopedClinic } from '../clinics/clinic-admin.service';
import { CapacityLoader, loadVisitKind, visitKindSpec } from './capacity-loader.service';

const MAX_RANGE_DAYS = 92;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FORECAST_PROTOCOL = 'iv-induction';
/** Extra days of candidates past the last week so late-week course starts are not undercounted. */
const COURSE_SPAN_DAYS = 28;

function requireDate(value: string, path: string): string {
  if (!DATE.test(value)) throw new DomainError('validation', `${path} must be a date YYYY-MM-DD`, { path });
  try {
    isoWeekday(value);
  } catch {
    throw new DomainError('validation', `${path} is not a calendar date`, { path });
  }
  if (new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw new DomainError('validation', `${path} is not a calendar date`, { path });
  }
  return value;
}

/** Board items carry ids, statuses and flags only: no patient names on a screen in a clinic. */
type BoardItem = Pick<
  ReturnType<typeof toAppointmentResponse>,
  'id' | 'patientId' | 'courseId' | 'kind' | 'startsAt' | 'endsAt' | 'chairReleasedAt' | 'status' | 'flags'
> & { ride: { status: string } };

/** Read models over a clinic's capacity: bookable slots, the day board, the weekly forecast. */
@Injectable()
export class ClinicCapacityService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly capacity: CapacityLoader,
  ) {}

  async availability(principal: Principal, clinicId: string, q: { kind: string; from: string; to: string }) {
    const from = requireDate(q.from, 'from');
    const to = requireDate(q.to, 'to');
    if (to < from) throw new DomainError('validation', 'to must not be before from', { path: 'to' });
    if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS)
      throw new DomainError('validation', `at most ${MAX_RANGE_DAYS} days per query`, { path: 'to' });
    const em = this.dataSource.manager;
    const clinic = await loadScopedClinic(em, principal, clinicId);
    const kind = await loadVisitKind(em, q.kind);
    const capacity = await this.capacity.load(em, clinic, from, to);
    const slots = computeAvailability(capacity, { kind: visitKindSpec(kind, clinic), fromDate: from, toDate: to, now: this.clock.now() });
    return {
      slots: slots.map((s) => ({
        startsAt: new Date(s.start).toISOString(),
        endsAt: new Date(s.end).toISOString(),
        chairReleasedAt: new Date(s.chairReleasedAt).toISOString(),
        chairIds: s.chairIds,
      })),
    };
  }

  /** One local day: every chair with its visits (cancelled ones and expired holds left out). */
  async board(principal: Principal, clinicId: string, dateInput: string) {
    const date = requireDate(dateInput, 'date');
    const em = this.dataSource.manager;
    const clinic = await loadScopedClinic(em, principal, clinicId);
    const dayStart = new Date(resolveLocalTime(date, '00:00', clinic.timezone).instant);
    const dayEnd = new Date(resolveLocalTime(addDays(date, 1), '00:00', clinic.timezone).instant);
    const [chairs, appts, capacity] = await Promise.all([
      em.getRepository(Chair).find({ where: { clinicId }, order: { name: 'ASC', id: 'ASC' } }),
      em
        .getRepository(Appointment)
        .createQueryBuilder('a')
        .where('a.clinic_id = :clinicId AND a.starts_at >= :dayStart AND a.starts_at < :dayEnd', { clinicId, dayStart, dayEnd })
        .andWhere("a.status <> 'cancelled' AND NOT (a.status = 'held' AND a.hold_expires_at <= :now)", { now: new Date(this.clock.now()) })
        .orderBy('a.starts_at')
        .addOrderBy('a.id')
        .getMany(),
      this.capacity.load(em, clinic, date, date),
    ]);
    const item = (a: Appointment): BoardItem => {
      const r = toAppointmentResponse(a);
      return {
        id: r.id,
        patientId: r.patientId,
        courseId: r.courseId,
        kind: r.kind,
        startsAt: r.startsAt,
        endsAt: r.endsAt,
        chairReleasedAt: r.chairReleasedAt,
        status: r.status,
        ride: { status: r.ride.status },
        flags: r.flags,
      };
    };
    return {
      date,
      chairs: chairs.map((c) => ({
        chairId: c.id,
        name: c.name,
        active: c.active,
        appointments: appts.filter((a) => a.chairId === c.id).map(item),
      })),
      consults: appts.filter((a) => a.chairId === null).map(item),
      utilization: capacitySummary(capacity, date, date).utilization,
    };
  }

  /** Per ISO week from the current one: open and booked chair hours and possible new IV inductions. */
  async forecast(principal: Principal, clinicId: string, weeks: number) {
    const em = this.dataSource.manager;
    const clinic = await loadScopedClinic(em, principal, clinicId);
    const now = this.clock.now();
    const today = instantToLocal(now, clinic.timezone).date;
    const monday = addDays(today, 1 - isoWeekday(today));
    const weekStarts = Array.from({ length: weeks }, (_, i) => addDays(monday, 7 * i));
    const lastDay = addDays(monday, 7 * weeks - 1);
    const horizon = addDays(lastDay, COURSE_SPAN_DAYS);
    const capacity = await this.capacity.load(em, clinic, monday, horizon);
    const protocol = await this.forecastProtocol();
    let starts: Record<string, number> = {};
    if (protocol) {
      const kind = await loadVisitKind(em, protocol.visitKind);
      const candidates = computeAvailability(capacity, { kind: visitKindSpec(kind, clinic), fromDate: monday, toDate: horizon, now });
      starts = estimateCourseStarts(protocol, clinic.timezone, candidates, weekStarts);
    }
    const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;
    return {
      weeks: weekStarts.map((weekStart) => {
        const s = capacitySummary(capacity, weekStart, addDays(weekStart, 6));
        return {
          weekStart,
          openChairHours: hours(s.openChairMinutes),
          bookedChairHours: hours(s.bookedChairMinutes),
          utilization: s.utilization,
          newIvInductionCourses: starts[weekStart] ?? 0,
        };
      }),
    };
  }

  /** The newest iv-induction protocol: the protocol table when present, else the built-in default. */
  private async forecastProtocol(): Promise<Protocol | undefined> {
    try {
      const [row] = await this.dataSource.query<Protocol[]>(
        'SELECT key, version, name, visit_kind AS "visitKind", rules FROM protocol WHERE key = $1 ORDER BY version DESC LIMIT 1',
        [FORECAST_PROTOCOL],
      );
      if (row) return row;
    } catch {
      // The protocol table belongs to the courses module; without it the built-in protocol applies.
    }
    return DEFAULT_PROTOCOLS.find((p) => p.key === FORECAST_PROTOCOL);
  }
}
