import type { Protocol } from '../protocols/protocol.types';

/**
 * A start time at which one visit of the course's kind fits, as the availability engine reports
 * it (declared here, structurally identical, so planning does not depend on availability).
 * Instants are epoch milliseconds.
 */
export interface CandidateSlot {
  /** Chair time starts (the patient is in the chair). */
  start: number;
  /** The patient leaves. */
  end: number;
  /** The chair is free again (after turnover). */
  chairReleasedAt: number;
  /** Chairs free for the whole chair time, sorted by id. */
  chairIds: string[];
  /** Per chair: minutes of chair time this placement would leave unusable (lower is better). */
  fragmentation?: Record<string, number>;
}

/** A clinic-local wall-clock window 'HH:mm'–'HH:mm'; a slot fits when its start is in [from, to). */
export interface TimeWindow {
  from: string;
  /** May be '24:00'. */
  to: string;
}

/**
 * The patient's availability. `weekdays` and `timeWindows` are hard filters: a plan never puts a
 * visit outside them. Earlier-listed windows are preferred over later ones.
 */
export interface PlanPreferences {
  /** ISO weekdays, 1 = Monday .. 7 = Sunday. Absent = any day; empty is refused. */
  weekdays?: number[];
  /** Absent = any time; empty is refused. */
  timeWindows?: TimeWindow[];
  /**
   * The patient would rather come at one time of day than finish soonest: plans whose visits all
   * start at the same local time rank before every other plan (see planSeries).
   */
  sameTimeOfDay?: boolean;
}

export interface PlanInput {
  protocol: Protocol;
  /** The clinic's IANA zone: day rules, weekdays and windows are read in it. */
  zone: string;
  /** No visit starts before this instant. */
  earliestStart: number;
  candidates: CandidateSlot[];
  preferences?: PlanPreferences;
  /** Plans wanted, 1..20. */
  limit: number;
  /** Start of the last visit before this booking; repeat rules (boosters) measure from it. */
  anchor?: number;
  /**
   * Times the patient is already taken: the [start, end) of their other live visits, in any
   * course or none. No planned visit's [start, end) overlaps one — the booking would be refused
   * (one patient cannot be in two visits at once), so the plan would not be bookable.
   */
  busy?: BusyTime[];
}

/** A half-open span [start, end) of epoch milliseconds during which the patient is in another visit. */
export interface BusyTime {
  start: number;
  end: number;
}

export interface PlannedVisit {
  sequence: number;
  start: number;
  end: number;
  chairReleasedAt: number;
  chairId: string;
}

/**
 * Why a plan ranks where it does. Plans are ordered by these fields in this order (lower first):
 * `sameTimeOfDay` (only when the patient asked for it; true first), `repeatDeviationDays`,
 * `completesAt`, `offTimeVisits`, `offChairVisits`, `windowRank`, `timeDriftMinutes`,
 * `fragmentationMinutes`; then by the visits' starts and chair ids.
 */
export interface PlanScore {
  /**
   * One number that never decreases down the returned list (lower is better), for clients that
   * want a single figure. It encodes the order above except fragmentation and exact sub-minute
   * completion, which only break ties; compare plans of one request only (it counts completion
   * in minutes from `earliestStart`).
   */
  total: number;
  /** Epoch ms at which the last visit ends: the course is complete. */
  completesAt: number;
  /** Minutes from `earliestStart` to `completesAt`. */
  completionMinutes: number;
  /** Every visit starts at the same local time of day. */
  sameTimeOfDay: boolean;
  /** Repeat protocols: Σ |days between visits − intervalDays| (the first visit measured from the anchor); else 0. */
  repeatDeviationDays: number;
  /** Visits whose local start time differs from the last visit's. */
  offTimeVisits: number;
  /** Visits in another chair than the last visit's. */
  offChairVisits: number;
  /** Σ per visit of the 0-based index of the first listed time window holding its start (0 without windows). */
  windowRank: number;
  /** Σ per visit of |local start time − the last visit's local start time|, in minutes. */
  timeDriftMinutes: number;
  /** Σ of the candidates' `fragmentation[chairId]` over the visits. */
  fragmentationMinutes: number;
}

export interface Plan {
  visits: PlannedVisit[];
  score: PlanScore;
}
