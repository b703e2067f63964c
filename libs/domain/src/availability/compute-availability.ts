import { DAY_MS, MINUTE_MS } from '../time/zone-math';
import type { AvailabilityQuery, ClinicCapacity, Slot, StaffShift } from './availability.types';
import { prepareCapacity, prepareKind, prepareRange, requireInstant } from './capacity-input';
import { BusyCursor, mergedByKey, type Interval } from './interval-set';
import { chairStartsByInstant, NurseLoad, SpareWindow } from './nurse-load';
import { gridStartsOfDay, type GridStart } from './opening-hours';

/**
 * Every start time in [fromDate, toDate] (clinic-local dates, inclusive) at which a visit of
 * `query.kind` can be booked, earliest first.
 *
 * Rules (the same ones {@link checkStart} applies to a single start):
 * - Grid: local wall times at midnight + k × slotMinutes inside an opening interval; a wall time
 *   in a spring-forward gap is never offered, a repeated fall-back wall time once (its earlier
 *   occurrence). Starts before `now` are left out; dates inside a closure have no slots.
 * - Times: see {@link visitTimes}; the visit's span [start, chairReleasedAt) must lie inside ONE
 *   opening interval of the local date of `start`.
 * - Chair kinds (`needsChair`): a chair with `kind.capability` (null = any chair) with no booking
 *   and no block overlapping [start, chairReleasedAt). Nurse capacity: at every instant of
 *   [start, end), chair patients present (this one included) ≤ nurses on shift × nurseRatio.
 *   Stagger: chair visits starting at exactly `start` (this one included) ≤ nurses on shift then.
 * - Clinician kinds (`needsClinician`): a clinician shift covering [start, end) whose bookings
 *   (by `clinicianShiftId`) leave [start, end) free. A kind needing neither only needs hours.
 *
 * Built as one sweep along the sorted grid: per-chair busy lists are merged once and walked
 * with cursors, nurse load is a step function read through a sliding-window minimum, so the
 * cost is near-linear in chairs × slots plus sorting the bookings, not slots × bookings.
 */
export function computeAvailability(capacity: ClinicCapacity, query: AvailabilityQuery): Slot[] {
  const prepared = prepareCapacity(capacity);
  const { kind } = query;
  const { visitMs, chairMs } = prepareKind(kind);
  const { fromDay, toDay } = prepareRange(query.fromDate, query.toDate);
  requireInstant(query.now, 'now');

  const grid: GridStart[] = [];
  for (let day = fromDay; day <= toDay; day += DAY_MS) {
    for (const g of gridStartsOfDay(prepared, day, chairMs)) if (g.start >= query.now) grid.push(g);
  }
  if (grid.length === 0) return [];

  const chairs = kind.needsChair ? chairSweep(capacity, kind.capability) : null;
  if (chairs && chairs.length === 0) return [];
  const nurses = kind.needsChair ? new SpareWindow(NurseLoad.build(capacity.bookings, capacity.shifts, prepared.nurseRatio)) : null;
  const starts = kind.needsChair ? chairStartsByInstant(capacity.bookings) : null;
  const clinicians = kind.needsClinician ? clinicianSweep(capacity) : null;
  if (clinicians && clinicians.length === 0) return [];

  const slots: Slot[] = [];
  for (const { start, interval } of grid) {
    const end = start + visitMs;
    const chairReleasedAt = start + chairMs;
    const chairIds: string[] = [];
    const fragmentation: Record<string, number> = {};
    if (chairs && nurses && starts) {
      for (const chair of chairs) {
        chair.cursor.seek(start);
        if (!chair.cursor.isFree(chairReleasedAt)) continue;
        chairIds.push(chair.id);
        fragmentation[chair.id] = strandedMinutes(chair.cursor, interval, start, chairReleasedAt, chairMs);
      }
      if (chairIds.length === 0) continue;
      // Checked only for starts that have a chair; the window still moves forward monotonically.
      if (nurses.minSpare(start, end) < 1) continue;
      if ((starts.get(start) ?? 0) + 1 > nurses.nursesAtLastStart()) continue;
    }
    const clinicianShiftIds: string[] = [];
    if (clinicians) {
      for (const c of clinicians) {
        if (c.shift.start > start || c.shift.end < end) continue;
        c.cursor.seek(start);
        if (c.cursor.isFree(end)) clinicianShiftIds.push(c.shift.id);
      }
      if (clinicianShiftIds.length === 0) continue;
    }
    slots.push({ start, end, chairReleasedAt, chairIds, clinicianShiftIds, fragmentation });
  }
  return slots;
}

interface ChairLane {
  id: string;
  cursor: BusyCursor;
}

/** Capable chairs sorted by id, each with its merged busy list (bookings' chair time + blocks). */
function chairSweep(capacity: ClinicCapacity, capability: string | null): ChairLane[] {
  const capable = capacity.chairs
    .filter((c) => capability === null || c.capabilities.includes(capability))
    .sort((a, b) => compareIds(a.id, b.id));
  if (capable.length === 0) return [];
  const wanted = new Set(capable.map((c) => c.id));
  const busyItems: Array<{ chairId: string; interval: Interval }> = [];
  for (const b of capacity.bookings) {
    if (b.chairId !== null && wanted.has(b.chairId)) {
      busyItems.push({ chairId: b.chairId, interval: { start: b.start, end: b.chairReleasedAt } });
    }
  }
  for (const k of capacity.chairBlocks) {
    if (wanted.has(k.chairId)) busyItems.push({ chairId: k.chairId, interval: { start: k.start, end: k.end } });
  }
  const busy = mergedByKey(
    busyItems,
    (i) => i.chairId,
    (i) => i.interval,
  );
  return capable.map((c) => ({ id: c.id, cursor: new BusyCursor(busy.get(c.id) ?? []) }));
}

interface ClinicianLane {
  shift: StaffShift;
  cursor: BusyCursor;
}

/** Clinician shifts sorted by id, each with its merged consult list ([start, end) of bookings). */
function clinicianSweep(capacity: ClinicCapacity): ClinicianLane[] {
  const shifts = capacity.shifts.filter((s) => s.role === 'clinician' && s.end > s.start).sort((a, b) => compareIds(a.id, b.id));
  const busy = mergedByKey(
    capacity.bookings,
    (b) => b.clinicianShiftId,
    (b) => ({ start: b.start, end: b.end }),
  );
  return shifts.map((shift) => ({ shift, cursor: new BusyCursor(busy.get(shift.id) ?? []) }));
}

/**
 * Minutes of free chair time a placement strands: the free gap before `start` and after
 * `chairReleasedAt`, bounded by the chair's neighbouring busy time and the opening interval,
 * each counted only when too short for another visit of this kind (shorter than `chairMs`).
 */
export function strandedMinutes(cursor: BusyCursor, interval: Interval, start: number, chairReleasedAt: number, chairMs: number): number {
  const before = start - Math.max(cursor.previousEnd(), interval.start);
  const after = Math.min(cursor.nextStart(), interval.end) - chairReleasedAt;
  let stranded = 0;
  if (before > 0 && before < chairMs) stranded += before;
  if (after > 0 && after < chairMs) stranded += after;
  return stranded / MINUTE_MS;
}

/** Plain code-unit order: ids sort the same on every machine, whatever its locale. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
