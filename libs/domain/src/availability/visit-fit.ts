import type { ActiveBooking, ClinicCapacity, StartRefusal, VisitKindSpec } from './availability.types';
import { checkStart } from './check-start';

/** A visit already booked, as {@link fitBookedVisits} re-checks it. */
export interface BookedVisit {
  /** Its stored times, chair and clinician shift. */
  booking: ActiveBooking;
  needsChair: boolean;
  needsClinician: boolean;
  capability: string | null;
  /** Already marked as needing rebooking: placed after the others and never reported again. */
  alreadyDisplaced?: boolean;
}

/** Why a booked visit no longer fits, with the visit. */
export interface DisplacedVisit {
  id: string;
  reason: StartRefusal;
}

/** A consult whose clinician shift no longer covers it, moved to another free clinician shift. */
export interface ReassignedVisit {
  id: string;
  clinicianShiftId: string;
}

export interface VisitFit {
  displaced: DisplacedVisit[];
  reassigned: ReassignedVisit[];
}

/**
 * Which booked visits still fit `capacity` — a clinic's set-up after a change, with
 * `capacity.bookings` the visits that are not re-checked (they keep their place). Each visit is
 * checked with {@link checkStart} in its own chair, at its own stored times, in start order (then
 * id), against the fixed bookings and the visits already placed: when a change leaves room for
 * only some, the earliest keep their place and the later ones are displaced. Grid and "past" do
 * not apply (the visit is booked; it may have started); every other rule does — closure, hours,
 * chair capability and blocks, chair taken, nurse ratio, start stagger, a free clinician. A
 * consult whose own clinician shift no longer covers it keeps its place when another clinician
 * shift is free, and is then `reassigned` to it.
 */
export function fitBookedVisits(capacity: ClinicCapacity, visits: readonly BookedVisit[]): VisitFit {
  const ordered = [...visits].sort(
    (a, b) =>
      Number(a.alreadyDisplaced ?? false) - Number(b.alreadyDisplaced ?? false) ||
      a.booking.start - b.booking.start ||
      (a.booking.id < b.booking.id ? -1 : a.booking.id > b.booking.id ? 1 : 0),
  );
  // Stored times are whole minutes on the grid they were booked on; a one-minute grid accepts
  // them even when the clinic's slot length changed since.
  const placed: ClinicCapacity = { ...capacity, slotMinutes: 1, bookings: [] };
  // The fixed and placed bookings by start, so each check reads only those near its chair time:
  // a re-check of months of visits (new opening hours) stays near-linear instead of quadratic.
  const byStart = [...capacity.bookings].sort((a, b) => a.start - b.start);
  let longest = Math.max(
    0,
    ...byStart.map((o) => o.chairReleasedAt - o.start),
    ...visits.map((o) => o.booking.chairReleasedAt - o.booking.start),
  );
  const firstFrom = (t: number): number => {
    let lo = 0;
    let hi = byStart.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byStart[mid].start < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const fit: VisitFit = { displaced: [], reassigned: [] };
  for (const v of ordered) {
    const b = v.booking;
    // Every rule reads only rows overlapping the visit's chair time ({@link startCheckWindow}).
    const near = (i: { start: number; end: number }) => i.start < b.chairReleasedAt && b.start < i.end;
    const bookings: ActiveBooking[] = [];
    for (let i = firstFrom(b.start - longest); i < byStart.length && byStart[i].start < b.chairReleasedAt; i++) {
      if (b.start < byStart[i].chairReleasedAt) bookings.push(byStart[i]);
    }
    const local: ClinicCapacity = {
      ...placed,
      bookings,
      shifts: capacity.shifts.filter(near),
      chairBlocks: capacity.chairBlocks.filter(near),
    };
    const check = checkStart(local, storedSpec(v), b.start, b.start, v.needsChair && b.chairId !== null ? b.chairId : undefined);
    if (!check.ok) {
      if (!v.alreadyDisplaced) fit.displaced.push({ id: b.id, reason: check.reason });
      continue;
    }
    let clinicianShiftId = b.clinicianShiftId;
    if (v.needsClinician && (clinicianShiftId === null || !check.clinicianShiftIds.includes(clinicianShiftId))) {
      clinicianShiftId = check.clinicianShiftIds[0];
      fit.reassigned.push({ id: b.id, clinicianShiftId });
    }
    byStart.splice(firstFrom(b.start), 0, { ...b, clinicianShiftId });
    longest = Math.max(longest, b.chairReleasedAt - b.start);
  }
  return fit;
}

/** A kind spec whose visit and chair times are exactly the visit's stored ones. */
function storedSpec(v: BookedVisit): VisitKindSpec {
  const minute = 60_000;
  return {
    key: v.booking.id,
    needsChair: v.needsChair,
    needsClinician: v.needsClinician,
    capability: v.capability,
    prepMinutes: 0,
    treatmentMinutes: Math.round((v.booking.end - v.booking.start) / minute),
    recoveryMinutes: 0,
    turnoverMinutes: Math.round((v.booking.chairReleasedAt - v.booking.end) / minute),
  };
}
