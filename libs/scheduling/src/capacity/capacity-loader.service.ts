import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { localDayBounds, ACTIVE_STATUSES, CLOCK, Clock, ClinicCapacity, DomainError, VisitKindSpec } from '@chairtime/domain';
import { txQuery } from '@chairtime/persistence';
import { Clinic, VisitKind } from '../entities';

/** What to leave out of the loaded bookings (a visit being moved must not block itself). */
export interface CapacityLoadOptions {
  excludeAppointmentIds?: string[];
}

/** Instants come back as epoch milliseconds (float8): parsing thousands of timestamptz strings into Dates dominated the endpoint's CPU. */
interface BookingRow {
  id: string;
  chair_id: string | null;
  clinician_shift_id: string | null;
  starts_at: number;
  ends_at: number;
  chair_released_at: number;
  hold_expires_at: number | null;
}

/** The one row of {@link CAPACITY_SQL}: each part of the capacity as a JSON array (parsed by pg). */
interface CapacityRow {
  hours: { weekday: number; opens: string; closes: string }[];
  closures: { start_date: string; end_date: string }[];
  chairs: { id: string; capabilities: string[] }[];
  blocks: { chair_id: string; starts_at: number; ends_at: number }[];
  shifts: { id: string; role: 'nurse' | 'clinician'; starts_at: number; ends_at: number }[];
  bookings: BookingRow[];
}

/** Epoch milliseconds of a timestamptz column as float8 (exact in JSON for whole milliseconds). */
const ms = (column: string): string => `(extract(epoch from ${column}) * 1000)::float8`;

/**
 * Every part of a clinic's capacity in ONE statement, each as a JSON array: a series booking
 * loads it while holding its clinic-day locks, so each round trip saved is time other bookings
 * of those days do not wait (six statements were six round trips there). Held visits come back
 * with their expiry whether or not it passed: the loader sorts them by the clock. Parameters:
 * $1 clinic, $2/$3 instant range, $4/$5 closure dates, $6 active statuses, $7 excluded
 * appointment ids; `onDays` adds $8/$9, the starts and ends of the only days whose rows count.
 */
function capacitySql(onDays: boolean): string {
  // Rows overlapping one of the given days ([start, end) against each day's bounds).
  const days = (start: string, end: string) =>
    onDays
      ? ` AND EXISTS (SELECT 1 FROM unnest($8::timestamptz[], $9::timestamptz[]) AS d(s, e) WHERE ${start} < d.e AND ${end} > d.s)`
      : '';
  return `SELECT
  (SELECT coalesce(json_agg(t ORDER BY t.weekday, t.opens), '[]') FROM (
     SELECT weekday, opens, closes FROM opening_hours WHERE clinic_id = $1) t) AS hours,
  (SELECT coalesce(json_agg(t), '[]') FROM (
     SELECT to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date
     FROM closure WHERE clinic_id = $1 AND end_date >= $4::date AND start_date <= $5::date) t) AS closures,
  (SELECT coalesce(json_agg(t ORDER BY t.id), '[]') FROM (
     SELECT id, capabilities FROM chair WHERE clinic_id = $1 AND active) t) AS chairs,
  (SELECT coalesce(json_agg(t), '[]') FROM (
     SELECT chair_id, ${ms('starts_at')} AS starts_at, ${ms('ends_at')} AS ends_at
     FROM chair_block WHERE clinic_id = $1 AND starts_at < $3 AND ends_at > $2${days('starts_at', 'ends_at')}) t) AS blocks,
  (SELECT coalesce(json_agg(t), '[]') FROM (
     SELECT id, role, ${ms('starts_at')} AS starts_at, ${ms('ends_at')} AS ends_at
     FROM staff_shift WHERE clinic_id = $1 AND starts_at < $3 AND ends_at > $2${days('starts_at', 'ends_at')}) t) AS shifts,
  (SELECT coalesce(json_agg(t), '[]') FROM (
     SELECT id, chair_id, clinician_shift_id, ${ms('starts_at')} AS starts_at, ${ms('ends_at')} AS ends_at,
            ${ms('chair_released_at')} AS chair_released_at,
            CASE WHEN status = 'held' THEN ${ms('hold_expires_at')} END AS hold_expires_at
     FROM appointment
     WHERE clinic_id = $1 AND starts_at < $3 AND chair_released_at > $2
       AND status = ANY($6::text[])
       AND NOT (id = ANY($7::uuid[]))${days('starts_at', 'chair_released_at')}) t) AS bookings`;
}
const CAPACITY_SQL = capacitySql(false);
const CAPACITY_DAYS_SQL = capacitySql(true);

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
    return this.loadInstants(em, clinic, from, to, fromDate, toDate, opts);
  }

  /**
   * Capacity for the clinic-local `days` only (sorted dates, not necessarily consecutive): rows
   * overlapping one of those days, not the span between them. A booking checks starts on its
   * locked days only, and a visit's chair time lies inside one opening interval of its own local
   * date, so rows of other days cannot matter to it; a series spread over two weeks then loads
   * (and parses, and scans) its six days, not fourteen.
   */
  async loadDays(em: EntityManager, clinic: CapacityClinic, days: string[], opts: CapacityLoadOptions = {}): Promise<LoadedCapacity> {
    const bounds = days.map((d) => {
      const { start, end } = localDayBounds(d, clinic.timezone);
      return [start, end];
    });
    const from = Math.min(...bounds.map((b) => b[0]));
    const to = Math.max(...bounds.map((b) => b[1]));
    return this.loadInstants(em, clinic, from, to, days[0], days[days.length - 1], opts, bounds);
  }

  /** Capacity for rows touching the instant range [from, to) (and `days`, when given); closures for the given local dates. */
  async loadInstants(
    em: EntityManager,
    clinic: CapacityClinic,
    from: number,
    to: number,
    closuresFrom: string,
    closuresTo: string,
    opts: CapacityLoadOptions = {},
    days?: number[][],
  ): Promise<LoadedCapacity> {
    const params = [
      clinic.id,
      new Date(from),
      new Date(to),
      closuresFrom,
      closuresTo,
      [...ACTIVE_STATUSES],
      opts.excludeAppointmentIds ?? [],
    ];
    const rows = days
      ? await txQuery<CapacityRow>(em, 'capacity-load-days', CAPACITY_DAYS_SQL, [
          ...params,
          days.map((d) => new Date(d[0])),
          days.map((d) => new Date(d[1])),
        ])
      : await em.query<CapacityRow[]>(CAPACITY_SQL, params);
    const { hours, closures, chairs, blocks, shifts } = rows[0];
    const now = this.clock.now();
    const bookings: BookingRow[] = [];
    const expiredHoldIds: string[] = [];
    let firstHoldExpiry = Number.POSITIVE_INFINITY;
    for (const b of rows[0].bookings) {
      if (b.hold_expires_at === null) bookings.push(b);
      else if (b.hold_expires_at <= now) expiredHoldIds.push(b.id);
      else {
        bookings.push(b);
        if (b.hold_expires_at < firstHoldExpiry) firstHoldExpiry = b.hold_expires_at;
      }
    }
    return {
      firstHoldExpiry,
      expiredHoldIds,
      zone: clinic.timezone,
      slotMinutes: clinic.settings.slotMinutes,
      nurseRatio: clinic.settings.nurseRatio,
      weeklyHours: hours.map((h) => ({ weekday: Number(h.weekday), opens: h.opens, closes: h.closes })),
      closures: closures.map((c) => ({ startDate: c.start_date, endDate: c.end_date })),
      chairs: chairs.map((c) => ({ id: c.id, capabilities: c.capabilities })),
      chairBlocks: blocks.map((b) => ({ chairId: b.chair_id, start: b.starts_at, end: b.ends_at })),
      shifts: shifts.map((s) => ({ id: s.id, role: s.role, start: s.starts_at, end: s.ends_at })),
      bookings: bookings.map((b) => ({
        id: b.id,
        chairId: b.chair_id,
        clinicianShiftId: b.clinician_shift_id,
        start: b.starts_at,
        end: b.ends_at,
        chairReleasedAt: b.chair_released_at,
      })),
    };
  }
}
