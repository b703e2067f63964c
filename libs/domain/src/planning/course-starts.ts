import { DAY_MS, isoWeekday, parseDate } from '../protocols/calendar';
import type { Protocol } from '../protocols/protocol.types';
import { DomainError } from '../shared/domain-error';
import { findPlans } from './plan-series';
import type { CandidateSlot, PlannedVisit } from './planning.types';

/**
 * How many new courses of `protocol` could still start in each given week (for the capacity
 * forecast), keyed by the week's local Monday date.
 *
 * Each week is estimated on its own, from the same candidates: courses are booked greedily one
 * after another — the planner's best plan whose first visit falls in that week (Monday to Sunday,
 * local), then its chair time is taken out of the candidates, and again — until no plan is left.
 * Weeks are independent, so the figures answer "how many could start in week N" and are not to
 * be summed over weeks (a course started in week 1 also uses chairs in week 2).
 *
 * An estimate, not a promise: taking a chair out of a candidate does not re-check nurse capacity
 * or the start stagger (the availability engine would), and a greedy sequence may pack worse than
 * the best possible one. The candidates must reach far enough past the last week for a whole
 * course (e.g. 3 weeks for an IV induction), or late-week starts are undercounted.
 */
export function estimateCourseStarts(
  protocol: Protocol,
  zone: string,
  candidates: CandidateSlot[],
  weekStarts: string[],
): Record<string, number> {
  const mondays = weekStarts.map((date, i) => {
    const day = parseDate(date);
    if (day === null || isoWeekday(day) !== 1) {
      throw new DomainError('validation', `week start ${String(date)} is not a Monday date (YYYY-MM-DD)`, { path: `weekStarts[${i}]` });
    }
    return { date, day };
  });
  const out: Record<string, number> = {};
  for (const { date, day } of mondays) {
    if (date in out) continue;
    out[date] = startsInWeek(protocol, zone, candidates, day);
  }
  return out;
}

function startsInWeek(protocol: Protocol, zone: string, candidates: CandidateSlot[], monday: number): number {
  // Local midnight is at most 14 h before UTC midnight of the same date: a day earlier is a safe floor.
  const earliestStart = (monday - 1) * DAY_MS;
  let pool = candidates.filter((c) => c.start >= earliestStart).map((c) => ({ ...c, chairIds: [...c.chairIds] }));
  let count = 0;
  for (;;) {
    const [plan] = findPlans(
      { protocol, zone, earliestStart, candidates: pool, limit: 1 },
      { firstDayOk: (day) => day >= monday && day <= monday + 6 },
    );
    if (!plan) return count;
    count++;
    pool = consume(pool, plan.visits);
  }
}

/** Removes each visit's chair from every candidate whose chair time overlaps the visit's. */
function consume(pool: CandidateSlot[], visits: PlannedVisit[]): CandidateSlot[] {
  return pool
    .map((c) => {
      const taken = visits.filter((v) => c.start < v.chairReleasedAt && v.start < c.chairReleasedAt).map((v) => v.chairId);
      return taken.length === 0 ? c : { ...c, chairIds: c.chairIds.filter((id) => !taken.includes(id)) };
    })
    .filter((c) => c.chairIds.length > 0);
}
