import { DateTime } from 'luxon';
import { DomainError } from '../shared/domain-error';

/** Days after a Spravato session within which the REMS Patient Monitoring Form is due. */
export const REMS_FORM_DUE_DAYS = 7;

/**
 * When the REMS Patient Monitoring Form for a session is due: the last millisecond of the 7th
 * local calendar day after the session day, in the clinic's zone. Counting calendar days (not
 * 7 × 24 h) keeps the deadline at local midnight across a daylight-saving change.
 *
 * @param sessionAt the session's start (epoch ms)
 * @param zone the clinic's IANA zone
 * @throws DomainError `validation` for an unknown zone or a non-finite instant
 */
export function remsFormDueAt(sessionAt: number, zone: string): number {
  if (!Number.isFinite(sessionAt)) throw new DomainError('validation', 'Session time must be an instant', { path: 'sessionAt' });
  const local = DateTime.fromMillis(sessionAt, { zone });
  if (!local.isValid) throw new DomainError('validation', `Unknown time zone ${zone}`, { path: 'zone' });
  return local.plus({ days: REMS_FORM_DUE_DAYS }).endOf('day').toMillis();
}

/** The visit kind the Spravato REMS program governs. */
export const REMS_VISIT_KIND = 'spravato';

/** What REMS needs to know of a Spravato visit's patient and site. */
export interface RemsStanding {
  /** The patient's REMS enrollment is on record. */
  patientEnrolled: boolean;
  /** The site (clinic) is REMS-certified (`settings.remsCertified`). */
  siteCertified: boolean;
}

/**
 * Spravato REMS is a hard stop: no Spravato visit is booked, moved (reschedule, waitlist claim) or
 * checked in unless the site is certified AND the patient is enrolled. Other kinds pass.
 *
 * @throws DomainError `rule-violation` (422) with `reason` `rems-site` or `rems-patient`
 */
export function assertRems(visitKind: string, standing: RemsStanding): void {
  if (visitKind !== REMS_VISIT_KIND) return;
  if (standing.siteCertified !== true) {
    throw new DomainError('rule-violation', 'The clinic is not REMS-certified for Spravato', { reason: 'rems-site' });
  }
  if (standing.patientEnrolled !== true) {
    throw new DomainError('rule-violation', 'The patient has no Spravato REMS enrollment', { reason: 'rems-patient' });
  }
}
