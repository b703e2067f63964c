import { clinicZone, formatDate, localDay } from './calendar';
import type { Protocol } from './protocol.types';

/** A treatment visit as the rest-day rule sees it. */
export interface RestDayVisit {
  /** The visit kind (`iv-infusion`, `spravato`, ...). */
  kind: string;
  /** Start, epoch ms. */
  start: number;
}

/** A visit of the patient too close to the candidate. */
export interface RestDayClash {
  other: RestDayVisit;
  /** Calendar days between the two (clinic-local dates). */
  days: number;
  /** Days the rule asked for. */
  required: number;
  message: string;
}

/**
 * The rest days a visit of `kind` needs from the patient's other treatment visits: the largest
 * `minGapDays` of the protocols of that kind (the IV, IM and Spravato inductions: 2, one rest day
 * between two start dates), 0 when none sets one. Read from the protocols, so it stays data.
 */
export function restDaysOfKind(protocols: readonly Protocol[], kind: string): number {
  return protocols.filter((p) => p.visitKind === kind).reduce((max, p) => Math.max(max, p.rules.minGapDays ?? 0), 0);
}

/**
 * The patient's other visits that break the rest day with `candidate`: start dates (in the clinic's
 * zone) fewer than `min(restDays(a), restDays(b))` calendar days apart. A rest day is asked only
 * between two kinds that each call for one (two infusions, an infusion and a Spravato session),
 * not between an infusion and a consult; and the rule is symmetric, so the answer does not depend
 * on which of the two was booked first. A course's own series is
 * checked by its protocol (validateSeries); this rule spans what no one series sees: an ad-hoc
 * visit against the patient's courses, and one course against another.
 */
export function restDayClashes(
  candidate: RestDayVisit,
  others: readonly RestDayVisit[],
  zone: string,
  restDays: (kind: string) => number,
): RestDayClash[] {
  clinicZone(zone);
  const day = localDay(candidate.start, zone);
  const clashes: RestDayClash[] = [];
  for (const other of others) {
    const required = Math.min(restDays(candidate.kind), restDays(other.kind));
    const otherDay = localDay(other.start, zone);
    const days = Math.abs(otherDay - day);
    if (days < required) {
      clashes.push({
        other,
        days,
        required,
        message: `a ${candidate.kind} visit on ${formatDate(day)} is ${days} day(s) from the patient's ${other.kind} visit on ${formatDate(otherDay)}; at least ${required} required`,
      });
    }
  }
  return clashes;
}
