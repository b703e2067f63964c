import { DomainError } from '../shared/domain-error';

/** `minimumLeadMinutes` when a clinic's settings predate it (DOMAIN.md: a clinic setting). */
export const DEFAULT_MINIMUM_LEAD_MINUTES = 120;

/** Who is booking: a patient for themselves, or clinic staff (who book by phone at any notice). */
export type BookingParty = 'patient' | 'staff';

/**
 * The earliest start a party may book at `now`. A patient booking online needs the clinic's
 * minimum lead (the chair prepared, a nurse told, the patient's ride arranged); staff booking on
 * the patient's behalf have just arranged that, so only the past is closed to them.
 */
export function earliestBookableStart(party: BookingParty, now: number, minimumLeadMinutes: number | undefined): number {
  if (party === 'staff') return now;
  return now + (minimumLeadMinutes ?? DEFAULT_MINIMUM_LEAD_MINUTES) * 60_000;
}

/**
 * Refuses (422, reason `lead-time`) starts a patient may not book at `now`, naming each one's field
 * path. Staff pass whatever the start. `starts` pairs each start (epoch ms) with its request path.
 */
export function assertBookingLead(
  party: BookingParty,
  now: number,
  minimumLeadMinutes: number | undefined,
  starts: { path: string; start: number }[],
): void {
  const earliest = earliestBookableStart(party, now, minimumLeadMinutes);
  const early = starts.filter((s) => s.start < earliest);
  if (early.length === 0) return;
  const lead = minimumLeadMinutes ?? DEFAULT_MINIMUM_LEAD_MINUTES;
  throw new DomainError('rule-violation', `Visits can be booked online from ${lead} minutes ahead; please call the clinic`, {
    reason: 'lead-time',
    earliestStart: new Date(earliest).toISOString(),
    errors: early.map((s) => ({ path: s.path, message: `starts less than ${lead} minutes from now` })),
  });
}
