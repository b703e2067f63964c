import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  localDayBounds,
  addDays,
  capacitySummary,
  CLOCK,
  Clock,
  computeAvailability,
  daysBetween,
  DEFAULT_PROTOCOLS,
  DomainError,
  earliestBookableStart,
  estimateCourseStarts,
  instantToLocal,
  isoWeekday,
  isSchedulingDate,
  schedulingYearsMessage,
  Protocol,
} from '@chairtime/domain';
import { assertClinicScope, Principal } from '@chairtime/identity';
import { preparedQuery } from '@chairtime/persistence';
import { Appointment, Chair, ClinicSettings } from '../entities';
import { toAppointmentResponse } from '../booking/appointment-response';
import { loadScopedClinic } from '../clinics/clinic-admin.service';
import { availabilityJson } from './availability-json';
import { AvailabilityAnswer, availabilityAnswer, AvailabilityCache } from './availability-cache';
import { CapacityLoader, KindRow, loadVisitKind, visitKindSpec } from './capacity-loader.service';
import { bookingParty } from '../booking/booking-party';

const MAX_RANGE_DAYS = 92;
/** Total bytes of cached availability bodies per process. */
const AVAILABILITY_CACHE_BYTES = 64 * 1024 * 1024;

interface AvailabilityContextRow {
  timezone: string;
  settings: ClinicSettings;
  version: string;
  key: string | null;
  needs_chair: boolean;
  needs_clinician: boolean;
  capability: string | null;
  treatment_minutes: number;
  recovery_minutes: number;
}

/** The clinic, the requested visit kind (null columns when unknown) and the capacity version. */
const AVAILABILITY_CONTEXT_SQL = `
  SELECT c.timezone, c.settings,
         (SELECT coalesce(sum(v.version), 0)::text FROM clinic_capacity_version v WHERE v.clinic_id = c.id) AS version,
         k.key, k.needs_chair, k.needs_clinician, k.capability, k.treatment_minutes, k.recovery_minutes
  FROM clinic c
  LEFT JOIN visit_kind k ON k.key = $2
  WHERE c.id = $1`;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const FORECAST_PROTOCOL = 'iv-induction';
/** Extra days of candidates past the last week so late-week course starts are not undercounted. */
const COURSE_SPAN_DAYS = 28;

function requireDate(value: string, path: string): string {
  if (!DATE.test(value)) throw new DomainError('validation', `${path} must be a date YYYY-MM-DD`, { path });
  if (!isSchedulingDate(value)) throw new DomainError('validation', schedulingYearsMessage(path), { path });
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
> & { ride: { status: string }; patientName: string };

/** Read models over a clinic's capacity: bookable slots, the day board, the weekly forecast. */
@Injectable()
export class ClinicCapacityService {
  private readonly answers = new AvailabilityCache(AVAILABILITY_CACHE_BYTES);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly capacity: CapacityLoader,
  ) {}

  /**
   * Bookable slots as a serialized JSON body (`{slots: [{startsAt, endsAt, chairReleasedAt,
   * chairIds}]}`) with its entity tag, served from the per-process cache while the clinic's
   * capacity version and the clock allow (see {@link AvailabilityCache}); otherwise loaded,
   * computed and cached.
   */
  async availability(principal: Principal, clinicId: string, q: { kind: string; from: string; to: string }): Promise<AvailabilityAnswer> {
    const from = requireDate(q.from, 'from');
    const to = requireDate(q.to, 'to');
    if (to < from) throw new DomainError('validation', 'to must not be before from', { path: 'to' });
    if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS)
      throw new DomainError('validation', `at most ${MAX_RANGE_DAYS} days per query`, { path: 'to' });
    assertClinicScope(principal, clinicId);
    const em = this.dataSource.manager;
    // One round trip for scope, kind and the version, read BEFORE the capacity: a change that
    // commits after this read moves the version past the one the answer is stamped with. Every
    // request runs it (a cached answer included), so it is a prepared statement on the pool.
    const [row] = (
      await preparedQuery<AvailabilityContextRow>(this.dataSource, 'availability-context', AVAILABILITY_CONTEXT_SQL, [clinicId, q.kind])
    ).rows;
    if (!row) throw new DomainError('not-found', 'Clinic not found');
    if (row.key === null) throw new DomainError('validation', `Unknown visit kind '${q.kind.slice(0, 60)}'`, { path: 'kind' });
    const kind: KindRow = {
      key: row.key,
      needsChair: row.needs_chair,
      needsClinician: row.needs_clinician,
      capability: row.capability,
      treatmentMinutes: row.treatment_minutes,
      recoveryMinutes: row.recovery_minutes,
    };
    // A patient is offered only what they may book themselves: starts from now + the clinic's lead.
    const lead = bookingParty(principal) === 'patient' ? earliestBookableStart('patient', 0, row.settings.minimumLeadMinutes) : 0;
    const cacheKey = [
      clinicId,
      lead,
      from,
      to,
      kind.key,
      kind.needsChair,
      kind.needsClinician,
      kind.capability,
      kind.treatmentMinutes,
      kind.recoveryMinutes,
    ].join('|');
    const now = this.clock.now();
    const cached = this.answers.get(cacheKey, row.version, now);
    if (cached !== undefined) return cached;

    const clinic = { id: clinicId, timezone: row.timezone, settings: row.settings };
    const capacity = await this.capacity.load(em, clinic, from, to);
    const slots = computeAvailability(capacity, { kind: visitKindSpec(kind, clinic), fromDate: from, toDate: to, now: now + lead });
    const answer = availabilityAnswer(availabilityJson(slots));
    // Without a write, the answer changes only when a loaded hold expires or the first offered
    // start comes closer than the lead.
    const validUntil = Math.min(capacity.firstHoldExpiry, slots.length > 0 ? slots[0].start - lead + 1 : Number.POSITIVE_INFINITY);
    this.answers.set(cacheKey, { ...answer, version: row.version, validUntil });
    return answer;
  }

  /** One local day: every chair with its visits (cancelled ones and expired holds left out). */
  async board(principal: Principal, clinicId: string, dateInput: string) {
    const date = requireDate(dateInput, 'date');
    const em = this.dataSource.manager;
    const clinic = await loadScopedClinic(em, principal, clinicId);
    const bounds = localDayBounds(date, clinic.timezone);
    const dayStart = new Date(bounds.start);
    const dayEnd = new Date(bounds.end);
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
    // The board is for the clinic's staff (the route's roles): a visit shows whose it is. The patient
    // table is clinical's; it is only read here.
    const names = new Map(
      (
        await em.query<{ id: string; name: string }[]>(
          `SELECT id, given_name || ' ' || family_name AS name FROM patient WHERE id = ANY($1)`,
          [[...new Set(appts.map((a) => a.patientId))]],
        )
      ).map((r) => [r.id, r.name]),
    );
    const item = (a: Appointment): BoardItem => {
      const r = toAppointmentResponse(a);
      return {
        id: r.id,
        patientId: r.patientId,
        patientName: names.get(r.patientId) ?? '',
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
