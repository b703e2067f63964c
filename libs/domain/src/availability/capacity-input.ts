import type { IANAZone } from 'luxon';
import { DomainError } from '../shared/domain-error';
import { DAY_MS, MINUTE_MS, parseDay, parseMinuteOfDay, zoneOf } from '../time/zone-math';
import type { ClinicCapacity, VisitKindSpec } from './availability.types';

/**
 * Validation and parsing of engine inputs, done once per call so the sweep works on numbers.
 * Bad settings are refused loudly (DomainError 'validation' with `{path, reason}`) rather than
 * skipped: a silently ignored opening interval would look like a full clinic.
 */

/** An opening interval as minutes after local midnight; `closes` may be 1440 (24:00). */
export interface WallInterval {
  opens: number;
  closes: number;
}

export interface PreparedCapacity {
  zone: IANAZone;
  slotMinutes: number;
  nurseRatio: number;
  /** Index = ISO weekday (1..7); each list sorted by `opens`, then latest `closes` first. */
  hoursByWeekday: WallInterval[][];
  /** Inclusive day-number ranges. */
  closures: Array<{ from: number; to: number }>;
}

export interface PreparedKind {
  visitMs: number;
  chairMs: number;
}

const END_OF_DAY = '24:00';

export function prepareCapacity(capacity: ClinicCapacity): PreparedCapacity {
  const zone = zoneOf(capacity.zone);
  if (!zone) invalid('zone', 'invalid-zone', `'${String(capacity.zone)}' is not an IANA time zone`);
  const { slotMinutes, nurseRatio } = capacity;
  if (!Number.isInteger(slotMinutes) || slotMinutes < 1 || slotMinutes > 1440) {
    invalid('slotMinutes', 'invalid-slot-minutes', 'slotMinutes must be an integer from 1 to 1440');
  }
  if (!Number.isFinite(nurseRatio) || nurseRatio < 0) {
    invalid('nurseRatio', 'invalid-nurse-ratio', 'nurseRatio must be a non-negative number');
  }

  const hoursByWeekday: WallInterval[][] = Array.from({ length: 8 }, () => []);
  capacity.weeklyHours.forEach((h, i) => {
    const path = `weeklyHours[${i}]`;
    if (!Number.isInteger(h.weekday) || h.weekday < 1 || h.weekday > 7) {
      invalid(`${path}.weekday`, 'invalid-weekday', 'weekday must be 1 (Monday) to 7 (Sunday)');
    }
    const opens = parseMinuteOfDay(h.opens);
    if (opens === null) invalid(`${path}.opens`, 'invalid-time', `'${h.opens}' is not an HH:mm wall time`);
    const closes = h.closes === END_OF_DAY ? 1440 : parseMinuteOfDay(h.closes);
    if (closes === null) invalid(`${path}.closes`, 'invalid-time', `'${h.closes}' is not an HH:mm wall time`);
    if (closes <= opens) invalid(`${path}.closes`, 'closes-before-opens', 'closes must be after opens');
    hoursByWeekday[h.weekday].push({ opens, closes });
  });
  // Earliest opening first, then latest closing: when weekly intervals overlap, a start offered
  // by several is attributed to the widest early one (its fragmentation is measured against it).
  for (const day of hoursByWeekday) day.sort((a, b) => a.opens - b.opens || b.closes - a.closes);

  const closures = capacity.closures.map((c, i) => {
    const from = parseDay(c.startDate);
    const to = parseDay(c.endDate);
    if (from === null) invalid(`closures[${i}].startDate`, 'invalid-date', `'${c.startDate}' is not a YYYY-MM-DD date`);
    if (to === null) invalid(`closures[${i}].endDate`, 'invalid-date', `'${c.endDate}' is not a YYYY-MM-DD date`);
    if (to < from) invalid(`closures[${i}].endDate`, 'range-reversed', 'endDate is before startDate');
    return { from, to };
  });

  return { zone, slotMinutes, nurseRatio, hoursByWeekday, closures };
}

/** Visit and chair lengths in ms; durations must be non-negative whole minutes, the visit > 0. */
export function prepareKind(kind: VisitKindSpec): PreparedKind {
  const parts = ['prepMinutes', 'treatmentMinutes', 'recoveryMinutes', 'turnoverMinutes'] as const;
  for (const part of parts) {
    const value = kind[part];
    if (!Number.isInteger(value) || value < 0) {
      invalid(`kind.${part}`, 'invalid-duration', `${part} must be a non-negative whole number of minutes`);
    }
  }
  const visitMinutes = kind.prepMinutes + kind.treatmentMinutes + kind.recoveryMinutes;
  if (visitMinutes <= 0) invalid('kind', 'invalid-duration', 'a visit must last at least one minute');
  const visitMs = visitMinutes * MINUTE_MS;
  return { visitMs, chairMs: visitMs + kind.turnoverMinutes * MINUTE_MS };
}

/** Day numbers of an inclusive local date range; refuses a reversed range. */
export function prepareRange(fromDate: string, toDate: string): { fromDay: number; toDay: number } {
  const fromDay = parseDay(fromDate);
  const toDay = parseDay(toDate);
  if (fromDay === null) invalid('fromDate', 'invalid-date', `'${String(fromDate)}' is not a YYYY-MM-DD date`);
  if (toDay === null) invalid('toDate', 'invalid-date', `'${String(toDate)}' is not a YYYY-MM-DD date`);
  if (toDay < fromDay) invalid('toDate', 'range-reversed', 'toDate is before fromDate');
  return { fromDay, toDay };
}

/** Refuses a non-finite instant (NaN would silently fail every comparison). */
export function requireInstant(value: number, path: string): void {
  if (!Number.isFinite(value)) invalid(path, 'invalid-instant', `${path} must be a finite epoch-ms instant`);
}

export function isClosedDay(prepared: PreparedCapacity, day: number): boolean {
  return prepared.closures.some((c) => day >= c.from && day <= c.to);
}

export function dayCount(fromDay: number, toDay: number): number {
  return Math.round((toDay - fromDay) / DAY_MS) + 1;
}

function invalid(path: string, reason: string, message: string): never {
  throw new DomainError('validation', message, { path, reason });
}
