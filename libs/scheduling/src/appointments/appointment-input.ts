import {
  DomainError,
  isSchedulingDate,
  isSchedulingInstant,
  localDayBounds,
  localToInstant,
  schedulingYearsMessage,
} from '@chairtime/domain';

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const LOCAL = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:00(\.0{1,3})?)?$/;

/** Pattern the DTOs accept for a visit start: an ISO instant with offset, or a clinic-local wall time. */
export const START_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** What a DTO says when a value does not match {@link START_PATTERN}. */
export const localOrInstantMessage = (field: string): string =>
  `${field} must be an ISO 8601 date-time (with an offset, or clinic-local without one)`;

/** What a DTO says when a start does not match {@link START_PATTERN}. */
export const START_MESSAGE = localOrInstantMessage('startsAt');

/** Pattern of an instant with its offset: for filters that span clinics, where no one zone could read a bare time. */
export const INSTANT_PATTERN = WITH_OFFSET;

/** Pattern of a list filter's bound: an instant, a clinic-local wall time or a clinic-local date. */
export const BOUND_PATTERN = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** What a DTO says when a value does not match {@link BOUND_PATTERN}. */
export const boundMessage = (field: string): string =>
  `${field} must be an ISO 8601 date-time or date (without an offset it is clinic-local and needs clinicId)`;

/** What a DTO says when a value does not match {@link INSTANT_PATTERN}. */
export const instantMessage = (field: string): string => `${field} must be an ISO 8601 date-time with an offset (Z or ±hh:mm)`;

/**
 * Reads a requested start. With an offset it is an instant; without one (`2027-03-14T02:30`) it is
 * a wall time in the clinic's zone (API.md: bare times are clinic-local), so a wall time inside a
 * spring-forward gap is refused as a 400 naming `path` rather than shifted silently.
 */
export function parseStart(value: string, zone: string, path = 'startsAt'): Date {
  const d = readStart(value, zone, path);
  if (!isSchedulingInstant(d.getTime())) throw new DomainError('validation', schedulingYearsMessage(path), { path });
  return d;
}

function readStart(value: string, zone: string, path: string): Date {
  if (WITH_OFFSET.test(value)) {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  const local = LOCAL.exec(value);
  if (local) {
    if (!isSchedulingDate(local[1])) throw new DomainError('validation', schedulingYearsMessage(path), { path });
    try {
      return new Date(localToInstant(local[1], local[2], zone));
    } catch (e) {
      if (e instanceof DomainError) throw new DomainError('validation', e.message, { path, reason: e.details.reason ?? 'invalid' });
      throw e;
    }
  }
  throw new DomainError('validation', `${path} must be an ISO 8601 date-time`, { path });
}

/**
 * Reads a list filter's bound: an instant with its offset as is; a bare wall time or date in the
 * clinic's zone (a date is the start of that local day). Without a clinic (`zone` null) a bare
 * value has no zone to be read in, and is refused naming `path`.
 */
export function parseBound(value: string, zone: string | null, path: string): Date {
  if (WITH_OFFSET.test(value)) return parseStart(value, 'UTC', path);
  if (zone === null) {
    throw new DomainError('validation', `${path} without an offset needs clinicId: it is read in that clinic's zone`, { path });
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (!isSchedulingDate(value)) throw new DomainError('validation', schedulingYearsMessage(path), { path });
    try {
      return new Date(localDayBounds(value, zone).start);
    } catch (e) {
      if (e instanceof DomainError) throw new DomainError('validation', e.message, { path, reason: e.details.reason ?? 'invalid' });
      throw e;
    }
  }
  return parseStart(value, zone, path);
}
