import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  localDayBounds,
  instantToLocal,
  ACTIVE_STATUSES,
  CLOCK,
  Clock,
  ClinicCapacity,
  DomainError,
  Interval,
  VisitKindSpec,
} from '@chairtime/domain';
import { epochMsSql as ms, txQuery } from '@chairtime/persistence';
import { Clinic, VisitKind } from '../entities';

/** What to leave out of the loaded bookings (a visit being moved must not block itself). */
export interface CapacityLoadOptions {
  excludeAppointmentIds?: string[];
}

/**
 * The rows of one part of {@link CAPACITY_SQL}, one array per column (null when no row matched):
 * a JSON array per column parses in a fraction of the time of an object per row, on both sides.
 * Instants come back as epoch milliseconds (float8): parsing thousands of timestamptz strings into
 * Dates dominated the endpoint's CPU.
 */
type Columns<T> = { [K in keyof T]: T[K][] | null };

interface BookingColumns {
  id: string;
  chair: string | null;
  clinician: string | null;
  start: number;
  end: number;
  released: number;
  /** Hold expiry, null for a visit that is not held. */
  expires: number | null;
}

/** The one row of {@link CAPACITY_SQL}. */
interface CapacityRow {
  hours: { weekday: number; opens: string; closes: string }[];
  closures: { start_date: string; end_date: string }[];
  chairs: Columns<{ id: string; capabilities: string[] }>;
  blocks: Columns<{ id: string; chair: string; start: number; end: number }>;
  shifts: Columns<{ id: string; role: 'nurse' | 'clinician'; start: number; end: number }>;
  bookings: Columns<BookingColumns>;
}

/**
 * The rows of `table` (a clinic's, with `starts_at` and `ends_at`) overlapping one of the ranges
 * $2, as the columns id, `column` (under the name `as`), start and end.
 */
const timedRowsInRanges = (table: string, column: string, as: string): string =>
  `(SELECT json_build_object('id', array_agg(id), '${as}', array_agg(${column}), 'start', array_agg(${ms('starts_at')}),
            'end', array_agg(${ms('ends_at')}))
     FROM unnest($2::tstzrange[]) AS w(r) CROSS JOIN LATERAL (
       SELECT id, ${column}, starts_at, ends_at FROM ${table}
       WHERE clinic_id = $1 AND tstzrange(starts_at, ends_at, '[)') && w.r
         AND tstzrange(starts_at, ends_at, '[)') && $6::tstzrange) t)`;

/** The statuses that hold capacity, as SQL literals: the same predicate as the partial GiST index on chair time. */
const ACTIVE_SQL = ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * Every part of a clinic's capacity in ONE statement: a series booking loads it while holding its
 * clinic-time locks, so each round trip saved is time other bookings of those times do not wait.
 * The small parts (hours, closures) come as a JSON object per row; the others as one JSON array
 * per column ({@link Columns}). Blocks, shifts and visits are the rows overlapping one of the
 * instant ranges $2, each range searched on its own through a GiST index on the clinic and the
 * row's time range (migration RangeIndexes): the cost follows the rows in the ranges, not
 * the clinic's history. $6, the span from the first range's start to the last one's end, repeats
 * the bound as a plain parameter: a generic plan on missing or stale statistics may search by
 * clinic alone and filter by range afterwards (seen with `&& ANY(ranges)` and with the join), and
 * the span still bounds that search. A row overlapping two ranges comes back twice; the loader
 * keeps one.
 * Held visits come back with their expiry whether or not it passed: the loader sorts them by the
 * clock. Parameters: $1 clinic, $2 instant ranges (tstzrange[]), $3/$4 closure dates, $5
 * excluded appointment ids, $6 the span of the ranges.
 */
const CAPACITY_SQL = `SELECT
  (SELECT coalesce(json_agg(t ORDER BY t.weekday, t.opens), '[]') FROM (
     SELECT weekday, opens, closes FROM opening_hours WHERE clinic_id = $1) t) AS hours,
  (SELECT coalesce(json_agg(t), '[]') FROM (
     SELECT to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date
     FROM closure WHERE clinic_id = $1 AND end_date >= $3::date AND start_date <= $4::date) t) AS closures,
  (SELECT json_build_object('id', array_agg(id ORDER BY id), 'capabilities', json_agg(capabilities ORDER BY id))
     FROM chair WHERE clinic_id = $1 AND active) AS chairs,
  ${timedRowsInRanges('chair_block', 'chair_id', 'chair')} AS blocks,
  ${timedRowsInRanges('staff_shift', 'role', 'role')} AS shifts,
  (SELECT json_build_object('id', array_agg(id), 'chair', array_agg(chair_id), 'clinician', array_agg(clinician_shift_id),
            'start', array_agg(${ms('starts_at')}), 'end', array_agg(${ms('ends_at')}),
            'released', array_agg(${ms('chair_released_at')}),
            'expires', array_agg(CASE WHEN status = 'held' THEN ${ms('hold_expires_at')} END))
     FROM unnest($2::tstzrange[]) AS w(r) CROSS JOIN LATERAL (
       SELECT id, chair_id, clinician_shift_id, starts_at, ends_at, chair_released_at, status, hold_expires_at
       FROM appointment
       WHERE clinic_id = $1 AND chair_time && w.r AND chair_time && $6::tstzrange AND status IN (${ACTIVE_SQL})
         AND NOT (id = ANY($5::uuid[]))) t) AS bookings`;

/** `[start,end)` as a tstzrange literal. */
export const tstzrange = (r: Interval): string => `[${new Date(r.start).toISOString()},${new Date(r.end).toISOString()})`;

/** The clinic fields the loader and {@link visitKindSpec} read (an entity or a lean row). */
export type CapacityClinic = Pick<Clinic, 'id' | 'timezone' | 'settings'>;

/** The visit kind fields availability needs (an entity or a lean row). */
export type KindRow = Pick<VisitKind, 'key' | 'needsChair' | 'needsClinician' | 'capability' | 'treatmentMinutes' | 'recoveryMinutes'>;

/** Capacity as loaded, with what a cache needs to know about it. */
export interface LoadedCapacity extends ClinicCapacity {
  /** Earliest expiry (epoch ms) of a loaded hold, Infinity when none: the capacity changes then without a write. */
  firstHoldExpiry: number;
  /**
   * Visits still `held` whose hold has expired by the clock: free capacity (left out of
   * `bookings`), but their rows still stand in the exclusion constraints until swept.
   */
  expiredHoldIds: string[];
}

/**
 * The availability spec of a visit kind in a clinic: prep and turnover come from the clinic's
 * settings for chair kinds (consults take no chair, so 0), treatment and recovery from the kind.
 */
export function visitKindSpec(kind: KindRow, clinic: Pick<Clinic, 'settings'>): VisitKindSpec {
  return {
    key: kind.key,
    needsChair: kind.needsChair,
    needsClinician: kind.needsClinician,
    capability: kind.capability,
    prepMinutes: kind.needsChair ? clinic.settings.prepMinutes : 0,
    treatmentMinutes: kind.treatmentMinutes,
    recoveryMinutes: kind.recoveryMinutes,
    turnoverMinutes: kind.needsChair ? clinic.settings.turnoverMinutes : 0,
  };
}

/** Loads a visit kind or refuses it as a 400 naming `path`. */
export async function loadVisitKind(em: EntityManager, key: string, path = 'kind'): Promise<VisitKind> {
  const kind = await em.getRepository(VisitKind).findOne({ where: { key } });
  if (!kind) throw new DomainError('validation', `Unknown visit kind '${key.slice(0, 60)}'`, { path });
  return kind;
}

/**
 * Loads a clinic's {@link ClinicCapacity} from Postgres for the availability engine. Expired holds
 * are left out by comparing `hold_expires_at` with the injected clock's time (never SQL `now()`): an expired hold is free the moment it expires, whether or not the
 * expiry job has run yet, and tests can freeze and advance time.
 */
@Injectable()
export class CapacityLoader {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  /**
   * Capacity for the clinic-local dates [fromDate, toDate]: every row overlapping local midnight
   * of `fromDate` to local midnight after `toDate`. A visit's chair time lies inside one opening
   * interval of its own local date (which ends by 24:00), so nothing outside can matter; shifts
   * and blocks are matched by overlap, so overnight ones are included.
   */
  async load(
    em: EntityManager,
    clinic: CapacityClinic,
    fromDate: string,
    toDate: string,
    opts: CapacityLoadOptions = {},
  ): Promise<LoadedCapacity> {
    const from = localDayBounds(fromDate, clinic.timezone).start;
    const to = localDayBounds(toDate, clinic.timezone).end;
    return this.loadInstants(em, clinic, [{ start: from, end: to }], fromDate, toDate, opts);
  }

  /**
   * Capacity for what can matter to visits in the given instant ranges (a booking passes each
   * visit's {@link startCheckWindow}): the blocks, shifts and visits overlapping one of them, with
   * closures of their local dates. A series loads the few rows around its six visits, not six
   * whole days.
   */
  async loadRanges(em: EntityManager, clinic: CapacityClinic, ranges: Interval[], opts: CapacityLoadOptions = {}): Promise<LoadedCapacity> {
    const dates = ranges
      .flatMap((r) => [instantToLocal(r.start, clinic.timezone).date, instantToLocal(r.end - 1, clinic.timezone).date])
      .sort();
    return this.loadInstants(em, clinic, ranges, dates[0], dates[dates.length - 1], opts);
  }

  /** Capacity for rows touching one of the instant `ranges`; closures for the given local dates. */
  private async loadInstants(
    em: EntityManager,
    clinic: CapacityClinic,
    ranges: Interval[],
    closuresFrom: string,
    closuresTo: string,
    opts: CapacityLoadOptions = {},
  ): Promise<LoadedCapacity> {
    const rows = await txQuery<CapacityRow>(em, 'capacity-load', CAPACITY_SQL, [
      clinic.id,
      ranges.map(tstzrange),
      closuresFrom,
      closuresTo,
      opts.excludeAppointmentIds ?? [],
      tstzrange({ start: Math.min(...ranges.map((r) => r.start)), end: Math.max(...ranges.map((r) => r.end)) }),
    ]);
    const { hours, closures } = rows[0];
    const chairs = columns(rows[0].chairs);
    const blocks = columns(rows[0].blocks);
    const shifts = columns(rows[0].shifts);
    const visits = columns(rows[0].bookings);
    const now = this.clock.now();
    const bookings: ClinicCapacity['bookings'] = [];
    const expiredHoldIds: string[] = [];
    let firstHoldExpiry = Number.POSITIVE_INFINITY;
    for (const i of distinctRows(visits.id)) {
      const expires = visits.expires[i];
      if (expires !== null && expires <= now) {
        expiredHoldIds.push(visits.id[i]);
        continue;
      }
      if (expires !== null && expires < firstHoldExpiry) firstHoldExpiry = expires;
      bookings.push({
        id: visits.id[i],
        chairId: visits.chair[i],
        clinicianShiftId: visits.clinician[i],
        start: visits.start[i],
        end: visits.end[i],
        chairReleasedAt: visits.released[i],
      });
    }
    return {
      firstHoldExpiry,
      expiredHoldIds,
      zone: clinic.timezone,
      slotMinutes: clinic.settings.slotMinutes,
      nurseRatio: clinic.settings.nurseRatio,
      weeklyHours: hours.map((h) => ({ weekday: Number(h.weekday), opens: h.opens, closes: h.closes })),
      closures: closures.map((c) => ({ startDate: c.start_date, endDate: c.end_date })),
      chairs: chairs.id.map((id, i) => ({ id, capabilities: chairs.capabilities[i] })),
      chairBlocks: distinctRows(blocks.id).map((i) => ({ chairId: blocks.chair[i], start: blocks.start[i], end: blocks.end[i] })),
      shifts: distinctRows(shifts.id).map((i) => ({ id: shifts.id[i], role: shifts.role[i], start: shifts.start[i], end: shifts.end[i] })),
      bookings,
    };
  }
}

/** A part's columns, each an empty array when the part matched no row (the aggregates gave null). */
function columns<T>(part: Columns<T>): { [K in keyof T]: T[K][] } {
  const filled: Record<string, unknown[]> = {};
  for (const [name, values] of Object.entries(part) as [string, unknown[] | null][]) filled[name] = values ?? [];
  return filled as { [K in keyof T]: T[K][] };
}

/**
 * The indexes of the rows with distinct ids, first occurrence kept (a row overlapping two loaded
 * ranges comes twice).
 */
function distinctRows(ids: string[]): number[] {
  const seen = new Set<string>();
  const keep: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (seen.has(ids[i])) continue;
    seen.add(ids[i]);
    keep.push(i);
  }
  return keep;
}
