import { addDays } from '@chairtime/domain';
import { localIso } from '../../test/support/courses-factories';

/** Where a benchmark's non-conflicting series go: a clinic open 00:00–24:00 with `chairs` chairs. */
export interface SeriesLayout {
  chairIds: string[];
  /** Local date of the first Monday the series may use. */
  firstMonday: string;
  /** Two-week blocks the series spread over. */
  blocks: number;
  zone: string;
  /**
   * Series booked one after the other take different hours (the slot varies fastest) instead of
   * the same hours on the next chairs: concurrent bookings then share no nurse capacity.
   */
  spreadHours?: boolean;
}

/** Series one two-week block holds: every chair, 16 slots of 90 minutes a day, Mon/Wed/Fri or Tue/Thu/Sat. */
export const seriesPerBlock = (chairs: number): number => chairs * 16 * 2;

/**
 * Blocks for `series` series: twice the minimum, so consecutive series land on different weeks and
 * concurrent clients do not all queue on the same clinic-day locks.
 */
export const blocksFor = (series: number, chairs: number): number => Math.ceil(series / seriesPerBlock(chairs)) * 2;

/** Days of opening hours and nurse shifts a layout needs from its first Monday. */
export const layoutDays = (blocks: number): number => blocks * 14;

/**
 * The six IV-induction visits of series `s`: a chair, a 90-minute slot of the day,
 * Mon/Wed/Fri or Tue/Thu/Sat of one of the two-week blocks (consecutive series of a block take the
 * next chair at the same hours, or with `spreadHours` the next slot on the same chair). No two series of one layout share
 * chair time while `s` < blocks × seriesPerBlock(chairs), so a benchmark measures booking, not
 * conflicts.
 */
export function seriesVisits(s: number, layout: SeriesLayout): { sequence: number; startsAt: string; chairId: string }[] {
  const chairs = layout.chairIds.length;
  const block = s % layout.blocks;
  const n = Math.floor(s / layout.blocks);
  const r = layout.spreadHours ? n % 32 : Math.floor(n / chairs) % 32;
  const minutes = (r % 16) * 90;
  const shift = Math.floor(r / 16);
  const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  const monday = addDays(layout.firstMonday, block * 14);
  const chairId = layout.chairIds[layout.spreadHours ? Math.floor(n / 32) % chairs : n % chairs];
  return [0, 2, 4, 7, 9, 11].map((d, i) => ({
    sequence: i + 1,
    startsAt: localIso(addDays(monday, d + shift), time, layout.zone),
    chairId,
  }));
}
