/**
 * Sorted, disjoint, half-open [start, end) interval lists and the few operations the sweep and
 * the capacity summary need. Kept allocation-light: inputs are never mutated.
 */
export interface Interval {
  start: number;
  end: number;
}

/** Sorts and merges intervals into a disjoint list; empty ones (end ≤ start) are dropped. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    // Touching intervals merge too: a chair booked 09:00–10:00 and 10:00–11:00 is busy 09:00–11:00.
    if (last && i.start <= last.end) {
      if (i.end > last.end) last.end = i.end;
    } else {
      out.push({ start: i.start, end: i.end });
    }
  }
  return out;
}

/** Total length of a disjoint list. */
export function measure(intervals: readonly Interval[]): number {
  let total = 0;
  for (const i of intervals) total += i.end - i.start;
  return total;
}

/** `a` minus `b`, both disjoint and sorted; the result is disjoint and sorted. */
export function subtractIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const piece of a) {
    let cursor = piece.start;
    while (j < b.length && b[j].end <= cursor) j++;
    let k = j;
    while (k < b.length && b[k].start < piece.end) {
      if (b[k].start > cursor) out.push({ start: cursor, end: b[k].start });
      cursor = Math.max(cursor, b[k].end);
      k++;
    }
    if (cursor < piece.end) out.push({ start: cursor, end: piece.end });
  }
  return out;
}

/** Length of the intersection of two disjoint sorted lists (a two-pointer walk). */
export function intersectionMeasure(a: readonly Interval[], b: readonly Interval[]): number {
  let total = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i].start, b[j].start);
    const end = Math.min(a[i].end, b[j].end);
    if (end > start) total += end - start;
    if (a[i].end < b[j].end) i++;
    else j++;
  }
  return total;
}

/** Groups intervals by a key and merges each group. */
export function mergedByKey<T>(
  items: readonly T[],
  keyOf: (item: T) => string | null,
  intervalOf: (item: T) => Interval,
): Map<string, Interval[]> {
  const groups = new Map<string, Interval[]>();
  for (const item of items) {
    const key = keyOf(item);
    if (key === null) continue;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(intervalOf(item));
  }
  for (const [key, group] of groups) groups.set(key, mergeIntervals(group));
  return groups;
}

/**
 * Walks a disjoint sorted busy list along non-decreasing query starts, so a whole slot grid costs
 * one pass over the list instead of a scan per slot.
 */
export class BusyCursor {
  private index = 0;

  constructor(private readonly busy: readonly Interval[]) {}

  /** Moves to the first busy interval ending after `start`; `start` must never decrease. */
  seek(start: number): void {
    while (this.index < this.busy.length && this.busy[this.index].end <= start) this.index++;
  }

  /** After `seek(start)`: true when nothing busy overlaps [start, end). */
  isFree(end: number): boolean {
    return this.index === this.busy.length || this.busy[this.index].start >= end;
  }

  /** After `seek(start)`: end of the last busy interval before `start`, or -Infinity. */
  previousEnd(): number {
    return this.index > 0 ? this.busy[this.index - 1].end : Number.NEGATIVE_INFINITY;
  }

  /** After `seek(start)`: start of the next busy interval, or +Infinity. */
  nextStart(): number {
    return this.index < this.busy.length ? this.busy[this.index].start : Number.POSITIVE_INFINITY;
  }
}

/** True when any interval in the (unsorted) list overlaps [start, end). */
export function anyOverlap(intervals: readonly Interval[], start: number, end: number): boolean {
  return intervals.some((i) => i.start < end && start < i.end && i.end > i.start);
}
