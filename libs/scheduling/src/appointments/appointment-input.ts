import { DomainError, localToInstant } from '@chairtime/domain';

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const LOCAL = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:00(\.0{1,3})?)?$/;

/** Pattern the DTOs accept for a visit start: an ISO instant with offset, or a clinic-local wall time. */
export const START_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;

/** What a DTO says when a start does not match {@link START_PATTERN}. */
export const START_MESSAGE = 'startsAt must be an ISO 8601 date-time (with an offset, or clinic-local without one)';

/**
 * Reads a requested start. With an offset it is an instant; without one (`2027-03-14T02:30`) it is
 * a wall time in the clinic's zone (API.md: bare times are clinic-local), so a wall time inside a
 * spring-forward gap is refused as a 400 naming `path` rather than shifted silently.
 */
export function parseStart(value: string, zone: string, path = 'startsAt'): Date {
  if (WITH_OFFSET.test(value)) {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  const local = LOCAL.exec(value);
  if (local) {
    try {
      return new Date(localToInstant(local[1], local[2], zone));
    } catch (e) {
      if (e instanceof DomainError) throw new DomainError('validation', e.message, { path, reason: e.details.reason ?? 'invalid' });
      throw e;
    }
  }
  throw new DomainError('validation', `${path} must be an ISO 8601 date-time`, { path });
}
