import { localToInstant } from '../time/local-time';
import type { ActiveBooking, ClinicCapacity, VisitKindSpec } from './availability.types';

/** Test data builders for the availability specs (not exported from the package). */

export const MINUTE = 60_000;

/** 10 + 40 + 30 minutes with the patient, 10 of turnover: 80 visit, 90 chair. */
export const IV: VisitKindSpec = {
  key: 'iv-infusion',
  needsChair: true,
  needsClinician: false,
  capability: 'iv-infusion',
  prepMinutes: 10,
  treatmentMinutes: 40,
  recoveryMinutes: 30,
  turnoverMinutes: 10,
};

export const INTAKE: VisitKindSpec = {
  key: 'intake',
  needsChair: false,
  needsClinician: true,
  capability: null,
  prepMinutes: 0,
  treatmentMinutes: 60,
  recoveryMinutes: 0,
  turnoverMinutes: 0,
};

/** A clinic in UTC open Monday 08:00–12:00 and 13:00–17:00, one iv chair, one nurse all day. */
export function clinic(overrides: Partial<ClinicCapacity> = {}): ClinicCapacity {
  const zone = overrides.zone ?? 'UTC';
  return {
    zone,
    slotMinutes: 15,
    nurseRatio: 4,
    weeklyHours: [
      { weekday: 1, opens: '08:00', closes: '12:00' },
      { weekday: 1, opens: '13:00', closes: '17:00' },
    ],
    closures: [],
    chairs: [{ id: 'c1', capabilities: ['iv-infusion'] }],
    chairBlocks: [],
    shifts: [{ id: 'n1', role: 'nurse', start: at('2027-03-01', '07:00', zone), end: at('2027-03-01', '18:00', zone) }],
    bookings: [],
    ...overrides,
  };
}

/** Instant of a wall time (UTC unless a zone is given). */
export function at(date: string, time: string, zone = 'UTC'): number {
  return localToInstant(date, time, zone);
}

/** A chair visit of `kind` booked at `start`. */
export function booking(
  id: string,
  chairId: string | null,
  start: number,
  kind: VisitKindSpec = IV,
  clinicianShiftId: string | null = null,
): ActiveBooking {
  const end = start + (kind.prepMinutes + kind.treatmentMinutes + kind.recoveryMinutes) * MINUTE;
  return { id, chairId, clinicianShiftId, start, end, chairReleasedAt: end + kind.turnoverMinutes * MINUTE };
}
