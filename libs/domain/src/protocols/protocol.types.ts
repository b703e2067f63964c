/**
 * Protocols are course templates stored as data (a Postgres jsonb column, served as-is by
 * `GET /v1/protocols/:key`), so every type here is plain JSON: no classes, no Dates, no functions.
 *
 * All day rules are read in clinic-local calendar dates. "N days apart" means the local dates
 * differ by N, whatever the hours between the two instants (a daylight-saving week included).
 */

/** Visit kinds a protocol may book; the same codes as the availability and messaging rules. */
export const VISIT_KINDS = ['iv-infusion', 'im-injection', 'spravato', 'lozenge', 'intake', 'follow-up'] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];

/**
 * A run of course weeks with a fixed number of visits in each. Course weeks are counted from the
 * local date of the first visit: week 1 is days 0–6, week 2 days 7–13, and so on.
 */
export interface ProtocolPhase {
  fromWeek: number;
  /** Inclusive. */
  toWeek: number;
  visitsPerWeek: number;
}

/**
 * Each visit relative to the one before it, or to the anchor for the first visit of a booking
 * (the last visit before it, e.g. the last induction infusion or the previous booster).
 */
export interface RepeatRule {
  /** The spacing the clinic aims for; plans closest to it rank first. */
  intervalDays: number;
  /** Allowed spacing in local calendar days, both ends included. */
  windowMinDays: number;
  windowMaxDays: number;
}

/**
 * The rule vocabulary. Every field but `visitCount` is optional; an absent rule does not apply.
 * Rules describe ONE booking of the course: an induction books all its visits at once, a booster
 * course books one visit at a time against an anchor.
 */
export interface ProtocolRules {
  /** Visits in one booking of this course. */
  visitCount: number;
  /** The visits may be skipped altogether: 0 visits is then as valid as `visitCount`. */
  optional?: boolean;
  /** Consecutive start dates at least N local calendar days apart (2 = one rest day between). */
  minGapDays?: number;
  /** At most N visits in one ISO week (Monday to Sunday, local dates). */
  maxPerIsoWeek?: number;
  /** The last start date at most N local calendar days after the first. */
  maxSpanDays?: number;
  /**
   * Exact visits per course week. With phases, every visit must fall in a phase week and each
   * phase week holds exactly `visitsPerWeek` visits (at most, for an incomplete set).
   */
  phases?: ProtocolPhase[];
  repeat?: RepeatRule;
}

/** A versioned course template. A booked course keeps the version it was planned with. */
export interface Protocol {
  key: string;
  version: number;
  name: string;
  visitKind: string;
  rules: ProtocolRules;
}

/** One visit of a series, as the validator needs it: its place in the course and its start. */
export interface SeriesVisit {
  /** 1-based position in the course. */
  sequence: number;
  /** Epoch milliseconds. */
  start: number;
}

/** What the series is checked against beyond the visits themselves. */
export interface SeriesContext {
  /**
   * Start of the last visit before this booking (epoch ms). Repeat rules measure the first visit
   * of the booking from it; other rules ignore it.
   */
  anchor?: number;
  /**
   * true (default): the visits are the whole booking, so counts must be exact.
   * false: a partial set (e.g. while a booking is being assembled); counts are upper bounds.
   */
  requireComplete?: boolean;
}

/** Stable codes: clients and the HTTP layer key on them. */
export const VIOLATION_CODES = [
  'visit-count',
  'sequence',
  'order',
  'min-gap',
  'max-per-week',
  'max-span',
  'phase-count',
  'repeat-window',
] as const;
export type ViolationCode = (typeof VIOLATION_CODES)[number];

/** One broken rule. `sequence` names the offending visit where one visit is to blame. */
export interface Violation {
  code: ViolationCode;
  sequence?: number;
  /** PHI-free, human-readable; safe to show in a problem+json `errors` entry. */
  message: string;
}
