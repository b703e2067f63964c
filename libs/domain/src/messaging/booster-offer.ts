import { addDays, instantToLocal } from '../time/local-time';

/** Fewest clinic days a booster offer searches for a free time: two weeks of choice. */
export const BOOSTER_OFFER_SEARCH_DAYS = 14;

/** Most days one availability query may span (the availability endpoint's bound). */
const MAX_SEARCH_DAYS = 92;

/** What {@link boosterOfferRange} needs; instants in epoch ms. */
export interface BoosterOfferRangeInput {
  /** Start of the induction's last live visit: the booster protocol's anchor (as in the course's next steps). */
  lastInductionStart: number;
  /** The booster protocol's repeat window, in days after the anchor. */
  windowMinDays: number;
  windowMaxDays: number;
  now: number;
  /** The clinic's zone: capacity is searched by clinic-local date. */
  zone: string;
}

/**
 * The clinic-local dates a relapse-triggered booster offer searches for its time. A relapse signal
 * pulls the booster to the **start** of its window (the course's next steps do the same with
 * `preferred`), so the search begins at the window start, or today when that has passed — a
 * relapse after the window closed still asks for the earliest booster. It runs to the window's
 * end, but over at least {@link BOOSTER_OFFER_SEARCH_DAYS} days, so a late relapse is still
 * offered a choice; and never over more than one availability query can span.
 */
export function boosterOfferRange(i: BoosterOfferRangeInput): { fromDate: string; toDate: string } {
  const anchorDate = instantToLocal(i.lastInductionStart, i.zone).date;
  const today = instantToLocal(i.now, i.zone).date;
  const windowStart = addDays(anchorDate, i.windowMinDays);
  const windowEnd = addDays(anchorDate, i.windowMaxDays);
  const fromDate = windowStart > today ? windowStart : today;
  const minimal = addDays(fromDate, BOOSTER_OFFER_SEARCH_DAYS - 1);
  const wanted = windowEnd > minimal ? windowEnd : minimal;
  const cap = addDays(fromDate, MAX_SEARCH_DAYS - 1);
  return { fromDate, toDate: wanted < cap ? wanted : cap };
}
