import { DomainError } from '../shared/domain-error';
import { localDayBounds, localToInstant } from './local-time';
import { isSchedulingDate, isSchedulingInstant, schedulingYearsMessage } from './scheduling-years';

/** The parts of the ISO 8601 forms a request may carry: a date, a time of day, an offset. */
const DATE_PART = String.raw`\d{4}-\d{2}-\d{2}`;
const TIME_PART = String.raw`T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?`;
const OFFSET_PART = String.raw`(Z|[+-]\d{2}:\d{2})`;

const WITH_OFFSET = new RegExp(`^${DATE_PART}${TIME_PART}${OFFSET_PART}$`);
/** A bare wall time, captured as its date and hh:mm (seconds, if any, zero). */
const LOCAL = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:00(\.0{1,3})?)?$/;
const DATE = new RegExp(`^${DATE_PART}$`);

/** A time a request carries: an ISO instant with offset, or a clinic-local wall time (API.md). */
export const START_PATTERN = new RegExp(`^${DATE_PART}${TIME_PART}${OFFSET_PART}?$`);

/** What a DTO says when a value does not match {@link START_PATTERN}. */
export const localOrInstantMessage = (field: string): string =>
  `${field} must be an ISO 8601 date-time (with an offset, or clinic-local without one)`;

/** What a DTO says when a start does not match {@link START_PATTERN}. */
export const START_MESSAGE = localOrInstantMessage('startsAt');

/** An instant with its offset: for filters that span clinics, where no one zone could read a bare time. */
export const INSTANT_PATTERN = WITH_OFFSET;

/** What a DTO says when a value does not match {@link INSTANT_PATTERN}. */
export const instantMessage = (field: string): string => `${field} must be an ISO 8601 date-time with an offset (Z or ±hh:mm)`;

/** A list filter's bound: an instant, a clinic-local wall time or a clinic-local date. */
export const BOUND_PATTERN = new RegExp(`^${DATE_PART}(${TIME_PART}${OFFSET_PART}?)?$`);

/** What a DTO says when a value does not match {@link BOUND_PATTERN}. */
export const boundMessage = (field: string): string =>
  `${field} must be an ISO 8601 date-time or date (without an offset it is clinic-local and needs clinicId)`;

const invalid = (path: string, message: string, reason?: string): DomainError =>
  new DomainError('validation', message, { path, ...(reason ? { reason } : {}) });

/** A local-time error of the domain (a DST gap, a date off the calendar) as a 400 naming `path`. */
function asFieldError<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof DomainError) throw invalid(path, e.message, (e.details.reason as string | undefined) ?? 'invalid');
    throw e;
  }
}

/**
 * Reads a time a request carries. With an offset it is an instant; without one
 * (`2027-03-14T02:30`) it is a wall time in the clinic's `zone` (API.md: bare times are
 * clinic-local), so a wall time inside a spring-forward gap is refused as a 400 naming `path`
 * rather than shifted silently. It must fall in {@link SCHEDULING_YEARS}; with `notBefore` (the
 * clock's now), a time before it is a 400 too (reason `past`).
 */
export function parseClinicTime(value: string, zone: string, path: string, o: { notBefore?: number } = {}): Date {
  const d = readClinicTime(value, zone, path);
  if (!isSchedulingInstant(d.getTime())) throw invalid(path, schedulingYearsMessage(path));
  if (o.notBefore !== undefined && d.getTime() < o.notBefore) throw invalid(path, `${path} is in the past`, 'past');
  return d;
}

function readClinicTime(value: string, zone: string, path: string): Date {
  if (WITH_OFFSET.test(value)) {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  const local = LOCAL.exec(value);
  if (local) {
    // Checked before the zone is applied: a far year (9999 in New York is 10000 in UTC) would
    // otherwise come back as an odd date error.
    if (!isSchedulingDate(local[1])) throw invalid(path, schedulingYearsMessage(path));
    return new Date(asFieldError(path, () => localToInstant(local[1], local[2], zone)));
  }
  throw invalid(path, `${path} must be an ISO 8601 date-time`);
}

/**
 * Reads a list filter's bound: an instant with its offset as is; a bare wall time or date in the
 * clinic's `zone` (a date is the start of that local day). Without a clinic (`zone` null) a bare
 * value has no zone to be read in, and is refused naming `path`.
 */
export function parseClinicBound(value: string, zone: string | null, path: string): Date {
  if (WITH_OFFSET.test(value)) return parseClinicTime(value, 'UTC', path);
  if (zone === null) throw invalid(path, `${path} without an offset needs clinicId: it is read in that clinic's zone`);
  if (!DATE.test(value)) return parseClinicTime(value, zone, path);
  if (!isSchedulingDate(value)) throw invalid(path, schedulingYearsMessage(path));
  return new Date(asFieldError(path, () => localDayBounds(value, zone).start));
}
