/**
 * Inputs and outputs of the availability engine. Instants are epoch milliseconds, local dates
 * 'YYYY-MM-DD', wall times 'HH:mm', weekdays ISO (1 = Monday .. 7 = Sunday). Every interval is
 * half-open [start, end): a visit ending at 10:00 and one starting at 10:00 do not overlap.
 */

/** How long a visit kind holds a chair and staff, and what it needs. Durations in minutes. */
export interface VisitKindSpec {
  key: string;
  needsChair: boolean;
  needsClinician: boolean;
  /** Chair capability required ('iv-infusion'); null = any chair will do. */
  capability: string | null;
  prepMinutes: number;
  treatmentMinutes: number;
  /** Minimum monitored recovery. */
  recoveryMinutes: number;
  /** Cleaning after the patient leaves: the chair is taken, no patient is present. */
  turnoverMinutes: number;
}

/** One opening interval on a weekday; a weekday may have several. `closes` may be '24:00'. */
export interface WeeklyHours {
  weekday: number;
  opens: string;
  closes: string;
}

/** Closed on every local date from `startDate` to `endDate`, both included. */
export interface Closure {
  startDate: string;
  endDate: string;
}

export interface ChairSpec {
  id: string;
  capabilities: string[];
}

/** A chair out of service over [start, end). */
export interface ChairBlock {
  chairId: string;
  start: number;
  end: number;
}

export interface StaffShift {
  id: string;
  role: 'nurse' | 'clinician';
  start: number;
  end: number;
}

/**
 * A visit that holds capacity (held or booked). The patient is present over [start, end), the
 * chair taken over [start, chairReleasedAt). Consults have `chairId` null.
 */
export interface ActiveBooking {
  id: string;
  chairId: string | null;
  clinicianShiftId: string | null;
  start: number;
  end: number;
  chairReleasedAt: number;
}

/** Everything about one clinic the engine needs, loaded for (at least) the queried dates. */
export interface ClinicCapacity {
  /** IANA zone of the clinic: hours, closures and the slot grid are read in it. */
  zone: string;
  slotMinutes: number;
  /** Patients in chairs one nurse on shift can watch. */
  nurseRatio: number;
  weeklyHours: WeeklyHours[];
  closures: Closure[];
  chairs: ChairSpec[];
  chairBlocks: ChairBlock[];
  shifts: StaffShift[];
  bookings: ActiveBooking[];
}

/** A start time at which a visit of the queried kind fits. */
export interface Slot {
  start: number;
  end: number;
  chairReleasedAt: number;
  /** Every capable chair free for the whole chair time, sorted by id; [] for consults. */
  chairIds: string[];
  /** Every clinician shift free for [start, end), sorted by id; [] when no clinician is needed. */
  clinicianShiftIds: string[];
  /**
   * Per chair in `chairIds`: minutes of its free time this placement would strand (the free gap
   * before `start` and after `chairReleasedAt` within the chair's free window inside the opening
   * interval, each counted only when shorter than one chair time of this kind; 0 when flush).
   */
  fragmentation: Record<string, number>;
}

/** Why a start time cannot be booked, in the order {@link checkStart} tests them. */
export type StartRefusal =
  | 'past'
  | 'off-grid'
  | 'dst-gap'
  | 'outside-hours'
  | 'closed'
  | 'no-capable-chair'
  | 'chair-busy'
  | 'chair-blocked'
  | 'nurse-capacity'
  | 'stagger'
  | 'no-clinician';

/** The three instants of a visit. */
export interface VisitTimes {
  start: number;
  end: number;
  chairReleasedAt: number;
}

export interface AvailabilityQuery {
  kind: VisitKindSpec;
  fromDate: string;
  toDate: string;
  /** Starts before this instant are not offered. */
  now: number;
}

export type StartCheck =
  { ok: true; chairIds: string[]; clinicianShiftIds: string[]; times: VisitTimes } | { ok: false; reason: StartRefusal };

export interface CapacitySummary {
  openChairMinutes: number;
  bookedChairMinutes: number;
  /** booked / open, 0 when nothing is open. */
  utilization: number;
}
