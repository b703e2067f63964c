import { MINUTE_MS } from '../protocols/calendar';
import type { FoundPlan } from './plan-search';
import type { PlanScore } from './planning.types';

/**
 * The score of a found plan, from its rank key [tier, deviation, completesAt, offTime, offChair,
 * windowRank, drift, fragmentation].
 *
 * `total` folds the order into one double: the integer part carries tier (2^31), deviation
 * (2^20 per day, capped at 2047) and whole completion minutes (capped below 2^20, ~2 years); the
 * fraction carries off-time, off-chair (5 bits each), window rank (8 bits) and drift (16 bits),
 * each capped. Capping and rounding only ever merge neighbours, never swap them, so `total`
 * never decreases down a returned list. Fragmentation is left out of it (it only breaks ties) —
 * the breakdown fields are the exact record.
 */
export function scorePlan(plan: FoundPlan, earliestStart: number): PlanScore {
  const [tier, deviation, completesAt, offTime, offChair, windowRank, drift, frag] = plan.key;
  const completionMinutes = (completesAt - earliestStart) / MINUTE_MS;
  const cap = (v: number, max: number) => Math.min(Math.max(Math.floor(v), 0), max);
  const whole = tier * 2 ** 31 + cap(deviation, 2047) * 2 ** 20 + cap(completionMinutes, 2 ** 20 - 1);
  const fraction = (((cap(offTime, 31) * 32 + cap(offChair, 31)) * 256 + cap(windowRank, 255)) * 65536 + cap(drift, 65535)) / 2 ** 34;
  return {
    total: whole + fraction,
    completesAt,
    completionMinutes,
    sameTimeOfDay: offTime === 0,
    repeatDeviationDays: deviation,
    offTimeVisits: offTime,
    offChairVisits: offChair,
    windowRank,
    timeDriftMinutes: drift,
    fragmentationMinutes: frag,
  };
}
