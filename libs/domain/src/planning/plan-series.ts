import { validateSeries } from '../protocols/series-validator';
import { parsePlanInput } from './plan-input';
import { scorePlan } from './plan-score';
import { searchPlans, type FoundPlan } from './plan-search';
import type { CandidateSlot, BusyTime, Plan, PlanInput } from './planning.types';
import { buildSearchSpace } from './search-space';
import { stepRules } from './series-steps';

/**
 * Proposes up to `limit` bookings of one course, best first.
 *
 * Every visit is one of the candidate slots in one of its chairs, after `earliestStart`, on one
 * of the patient's weekdays and inside one of their time windows (hard filters), and clear of
 * the patient's other visits (`busy`: a candidate overlapping one is never used). Every plan
 * passes `validateSeries` (checked here again, not just trusted), and no two of its visits
 * overlap in time — which also keeps two visits of one plan out of each other's chair time.
 *
 * Order (lower first, each only breaking ties of the ones before it):
 * 1. with `preferences.sameTimeOfDay`: plans whose visits all start at one local time, first —
 *    the patient asked to trade an earlier finish for a fixed routine;
 * 2. repeat protocols (boosters, maintenance): Σ |days between visits − intervalDays|, the first
 *    visit counted from `anchor` — "closest to +28 days" comes before "soonest";
 * 3. completion: the last visit's end;
 * 4. consistency: visits at another local time than the last visit, then visits in another chair;
 * 5. fit: the rank of the preferred window each visit falls in (earlier-listed windows first),
 *    then minutes away from the last visit's time of day;
 * 6. packing: Σ of the candidates' `fragmentation` for the chosen chairs;
 * 7. starts, then chair ids, in sequence order (determinism).
 * Consistency is measured against the last visit because (3) fixes it first.
 *
 * Plans are distinct by start times: one that differs from a better plan only in its chairs is
 * not listed (the better plan already offers those times, with the best chairs for them).
 *
 * The search is exact (see plan-search.ts): whenever a valid plan exists among the candidates the
 * first plan is the best by the order above. Pure and deterministic: the same input, in any
 * candidate order, gives the same plans. An optional protocol (lozenge-home) is planned with its
 * supervised visit; booking none needs no plan.
 *
 * Throws `DomainError('validation')` on malformed input (limit outside 1..20, empty weekdays,
 * malformed or inverted windows, unknown zone, malformed protocol).
 */
export function planSeries(input: PlanInput): Plan[] {
  return findPlans(input, {});
}

/** Extra search bounds for internal callers (course-start estimates). */
export interface PlanBounds {
  /** Only plans whose first visit falls on an accepted local day (days since 1970-01-01). */
  firstDayOk?: (day: number) => boolean;
}

/** planSeries with extra bounds; not part of the package API. */
export function findPlans(input: PlanInput, bounds: PlanBounds): Plan[] {
  const prefs = parsePlanInput(input);
  const space = buildSearchSpace({
    protocol: input.protocol,
    zone: input.zone,
    earliestStart: input.earliestStart,
    candidates: input.busy?.length ? clearOf(input.candidates, input.busy) : input.candidates,
    prefs,
    anchor: input.anchor,
  });
  const found = searchPlans(stepRules(input.protocol, space), space, {
    limit: input.limit,
    sameTimeOfDay: prefs.sameTimeOfDay,
    firstDayOk: bounds.firstDayOk,
  });
  return found.map((f) => toPlan(f, input.earliestStart)).filter((plan) => isSound(input, plan));
}

function toPlan(found: FoundPlan, earliestStart: number): Plan {
  return {
    visits: found.picks.map((p, i) => ({ sequence: i + 1, start: p.start, end: p.end, chairReleasedAt: p.released, chairId: p.chairId })),
    score: scorePlan(found, earliestStart),
  };
}

/** The search builds only valid plans; this guard keeps a future bug from ever offering an invalid one. */
function isSound(input: PlanInput, plan: Plan): boolean {
  const { visits } = plan;
  for (let i = 1; i < visits.length; i++) if (visits[i].start < visits[i - 1].chairReleasedAt) return false;
  if (visits.some((v) => v.start < input.earliestStart)) return false;
  if (input.busy?.length && visits.some((v) => overlapsAny(v, sortedByStart(input.busy ?? [])))) return false;
  return validateSeries(input.protocol, visits, input.zone, { anchor: input.anchor, requireComplete: true }).length === 0;
}

/** The candidates whose visit time [start, end) overlaps none of `busy`. */
function clearOf(candidates: CandidateSlot[], busy: BusyTime[]): CandidateSlot[] {
  const sorted = sortedByStart(busy);
  return candidates.filter((c) => !overlapsAny(c, sorted));
}

function sortedByStart(intervals: BusyTime[]): BusyTime[] {
  return intervals.filter((b) => b.end > b.start).sort((a, b) => a.start - b.start);
}

/**
 * Whether [start, end) overlaps an interval of `sorted` (sorted by start). A patient has a few
 * visits at a time: a scan up to the first interval starting at or after `end` is enough.
 */
function overlapsAny(span: BusyTime, sorted: BusyTime[]): boolean {
  for (const b of sorted) {
    if (b.start >= span.end) return false;
    if (b.end > span.start) return true;
  }
  return false;
}
