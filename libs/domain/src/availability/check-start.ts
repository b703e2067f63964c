import type { ActiveBooking, ClinicCapacity, StartCheck, StaffShift, VisitKindSpec } from './availability.types';
import { isClosedDay, prepareCapacity, prepareKind, requireInstant } from './capacity-input';
import { compareIds } from './compute-availability';
import { anyOverlap, Interval } from './interval-set';
import { openingIntervals, wallPosition } from './opening-hours';
import { visitTimes } from './visit-times';

/**
 * The time whose rows decide {@link checkStart} for a visit of `kind` starting at `start`: its
 * chair time `[start, chairReleasedAt)` (the whole visit for kinds without a chair). Every rule
 * reads only blocks, shifts and bookings overlapping it, so a caller may load just those rows — and
 * two starts can change each other's answer only when their windows overlap.
 */
export function startCheckWindow(kind: VisitKindSpec, start: number): Interval {
  return { start, end: visitTimes(kind, start).chairReleasedAt };
}

/**
 * Whether a visit of `kind` can start at `start` (optionally in chair `chairId`), under the rules
 * of {@link computeAvailability}; a start it offers passes here with the same chairs and
 * clinicians. Refusals come as the FIRST failing rule in this order:
 *
 * 1. `past` — before `now`.
 * 2. `off-grid` — not local midnight + k × slotMinutes, or the later occurrence of a repeated
 *    fall-back wall time (the grid offers the earlier one). `dst-gap` is not returned here: an
 *    instant always has a wall time; it names the refusal of {@link localToInstant} for callers
 *    that convert a requested wall time first.
 * 3. `closed` — the local date is inside a closure.
 * 4. `outside-hours` — [start, chairReleasedAt) is not inside one opening interval of that date
 *    (a weekday without hours included).
 * 5. `no-capable-chair` — chair kinds: `chairId` unknown or lacking the capability; without
 *    `chairId`, no chair in the clinic has it.
 * 6. `chair-blocked` / 7. `chair-busy` — with `chairId`: that chair has a block / a booking over
 *    the chair time. Without: `chair-busy` when no capable chair is free.
 * 8. `nurse-capacity`, 9. `stagger` — see {@link computeAvailability}.
 * 10. `no-clinician` — clinician kinds: no clinician shift free for [start, end).
 *
 * `chairId` is ignored for kinds that need no chair. Each rule is checked directly (a scan of the
 * bookings), which is cheap for one start; use {@link computeAvailability} for many.
 */
export function checkStart(capacity: ClinicCapacity, kind: VisitKindSpec, start: number, now: number, chairId?: string): StartCheck {
  const prepared = prepareCapacity(capacity);
  const { visitMs, chairMs } = prepareKind(kind);
  requireInstant(start, 'start');
  requireInstant(now, 'now');
  const times = { start, end: start + visitMs, chairReleasedAt: start + chairMs };

  if (start < now) return refuse('past');
  const position = wallPosition(prepared, start);
  if (position.minute % prepared.slotMinutes !== 0 || !position.firstOccurrence) return refuse('off-grid');
  if (isClosedDay(prepared, position.day)) return refuse('closed');
  const intervals = openingIntervals(prepared, position.day);
  if (!intervals.some((i) => i.start <= start && times.chairReleasedAt <= i.end)) return refuse('outside-hours');

  let chairIds: string[] = [];
  if (kind.needsChair) {
    const capable = capacity.chairs.filter((c) => kind.capability === null || c.capabilities.includes(kind.capability));
    const blocked = (id: string) =>
      anyOverlap(
        capacity.chairBlocks.filter((k) => k.chairId === id),
        start,
        times.chairReleasedAt,
      );
    const busy = (id: string) =>
      anyOverlap(
        capacity.bookings.filter((b) => b.chairId === id).map((b) => ({ start: b.start, end: b.chairReleasedAt })),
        start,
        times.chairReleasedAt,
      );
    if (chairId !== undefined) {
      if (!capable.some((c) => c.id === chairId)) return refuse('no-capable-chair');
      if (blocked(chairId)) return refuse('chair-blocked');
      if (busy(chairId)) return refuse('chair-busy');
      chairIds = [chairId];
    } else {
      if (capable.length === 0) return refuse('no-capable-chair');
      chairIds = capable
        .filter((c) => !blocked(c.id) && !busy(c.id))
        .map((c) => c.id)
        .sort(compareIds);
      if (chairIds.length === 0) return refuse('chair-busy');
    }
    const chairPatients = capacity.bookings.filter((b) => b.chairId !== null && b.end > b.start);
    const nurseShifts = capacity.shifts.filter((s) => s.role === 'nurse' && s.end > s.start);
    if (minSpare(chairPatients, nurseShifts, prepared.nurseRatio, start, times.end) < 1) {
      return refuse('nurse-capacity');
    }
    const startingTogether = capacity.bookings.filter((b) => b.chairId !== null && b.start === start).length;
    if (startingTogether + 1 > nurseShifts.filter((s) => covers(s, start)).length) return refuse('stagger');
  }

  let clinicianShiftIds: string[] = [];
  if (kind.needsClinician) {
    clinicianShiftIds = capacity.shifts
      .filter((s) => s.role === 'clinician' && s.start <= start && times.end <= s.end)
      .filter(
        (s) =>
          !anyOverlap(
            capacity.bookings.filter((b) => b.clinicianShiftId === s.id),
            start,
            times.end,
          ),
      )
      .map((s) => s.id)
      .sort(compareIds);
    if (clinicianShiftIds.length === 0) return refuse('no-clinician');
  }

  return { ok: true, chairIds, clinicianShiftIds, times };
}

function refuse(reason: Extract<StartCheck, { ok: false }>['reason']): StartCheck {
  return { ok: false, reason };
}

function covers(i: { start: number; end: number }, t: number): boolean {
  return i.start <= t && t < i.end;
}

/**
 * Lowest spare nurse capacity over [start, end): the step function only changes where a patient
 * or a shift starts or ends, so evaluating `start` and every such point inside the window is exact.
 */
function minSpare(patients: readonly ActiveBooking[], nurses: readonly StaffShift[], ratio: number, start: number, end: number): number {
  const relevantPatients = patients.filter((b) => b.start < end && start < b.end);
  const relevantNurses = nurses.filter((s) => s.start < end && start < s.end);
  const points = [start];
  for (const i of [...relevantPatients, ...relevantNurses]) {
    if (i.start > start && i.start < end) points.push(i.start);
    if (i.end > start && i.end < end) points.push(i.end);
  }
  let lowest = Number.POSITIVE_INFINITY;
  for (const t of points) {
    const present = relevantPatients.filter((b) => covers(b, t)).length;
    const onShift = relevantNurses.filter((s) => covers(s, t)).length;
    lowest = Math.min(lowest, onShift * ratio - present);
  }
  return lowest;
}
