import type { ActiveBooking, StaffShift } from './availability.types';

/**
 * Nurse capacity as a step function. Patients present are the chair bookings' [start, end)
 * (prep to end of recovery; turnover is cleaning, no patient); consults (chairId null) are not
 * a nurse's load. Capacity is nurses on shift × nurseRatio. The step function holds the spare
 * capacity (capacity − patients present) between sorted change points.
 */
export class NurseLoad {
  private constructor(
    /** Sorted unique change points; segment i is [times[i], times[i+1]), the last one unbounded. */
    readonly times: Float64Array,
    readonly spare: Float64Array,
    readonly nurses: Int32Array,
  ) {}

  static build(bookings: readonly ActiveBooking[], shifts: readonly StaffShift[], nurseRatio: number): NurseLoad {
    const events: Array<{ at: number; patients: number; nurses: number }> = [];
    for (const b of bookings) {
      if (b.chairId === null || b.end <= b.start) continue;
      events.push({ at: b.start, patients: 1, nurses: 0 }, { at: b.end, patients: -1, nurses: 0 });
    }
    for (const s of shifts) {
      if (s.role !== 'nurse' || s.end <= s.start) continue;
      events.push({ at: s.start, patients: 0, nurses: 1 }, { at: s.end, patients: 0, nurses: -1 });
    }
    events.sort((a, b) => a.at - b.at);
    const times: number[] = [];
    const spare: number[] = [];
    const nurses: number[] = [];
    let patientCount = 0;
    let nurseCount = 0;
    for (let i = 0; i < events.length;) {
      const at = events[i].at;
      for (; i < events.length && events[i].at === at; i++) {
        patientCount += events[i].patients;
        nurseCount += events[i].nurses;
      }
      times.push(at);
      spare.push(nurseCount * nurseRatio - patientCount);
      nurses.push(nurseCount);
    }
    return new NurseLoad(Float64Array.from(times), Float64Array.from(spare), Int32Array.from(nurses));
  }

  /** Index of the segment holding `t`, or -1 before the first change point. */
  segmentAt(t: number): number {
    let lo = 0;
    let hi = this.times.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid] <= t) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Nurses on shift at `t`. */
  nursesAt(t: number): number {
    const i = this.segmentAt(t);
    return i < 0 ? 0 : this.nurses[i];
  }
}

/**
 * Minimum spare capacity over windows [start, end) whose starts and ends never decrease — the
 * slot grid with a fixed visit length. A monotonic deque of segment indices gives each window's
 * minimum in amortised O(1), so the whole grid costs one pass over the change points.
 */
export class SpareWindow {
  private left = 0;
  private right = -1;
  private readonly deque: Int32Array;
  private head = 0;
  private tail = 0;

  constructor(private readonly load: NurseLoad) {
    this.deque = new Int32Array(Math.max(1, load.times.length));
  }

  /**
   * Minimum spare capacity over [start, end) (end > start). Before the first and after the last
   * change point nobody is on shift, so spare is 0 there.
   */
  minSpare(start: number, end: number): number {
    const { times, spare } = this.load;
    if (times.length === 0 || start < times[0]) return 0;
    while (this.left + 1 < times.length && times[this.left + 1] <= start) this.left++;
    while (this.right + 1 < times.length && times[this.right + 1] < end) {
      this.right++;
      while (this.tail > this.head && spare[this.deque[this.tail - 1]] >= spare[this.right]) this.tail--;
      this.deque[this.tail++] = this.right;
    }
    while (this.deque[this.head] < this.left) this.head++;
    return spare[this.deque[this.head]];
  }

  /** Nurses on shift at the `start` last passed to {@link minSpare}. */
  nursesAtLastStart(): number {
    return this.load.nurses[this.left];
  }
}

/** How many chair visits start at each instant (the stagger rule counts exact starts). */
export function chairStartsByInstant(bookings: readonly ActiveBooking[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const b of bookings) {
    if (b.chairId === null) continue;
    counts.set(b.start, (counts.get(b.start) ?? 0) + 1);
  }
  return counts;
}
