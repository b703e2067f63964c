import { evaluateOutcome } from '../clinical/outcome';

const DAY_MS = 86_400_000;
/** How long after the last induction visit the post-series PHQ-9 may be taken (the +7/+14/+19 check-ins). */
export const POST_SERIES_WINDOW_DAYS = 28;
/** The relapse watch the report counts: a relapse signal within this many days of the course's end. */
export const RELAPSE_WINDOW_DAYS = 90;
/** Cancellation lead-time buckets, in hours before the visit's start (DOMAIN.md's 24 h and 72 h reminders). */
const LEAD_BUCKETS = [
  { key: 'under24h', below: 24 },
  { key: 'from24hTo72h', below: 72 },
  { key: 'over72h', below: Infinity },
] as const;

export interface ReportVisit {
  patientId: string;
  courseId: string | null;
  sequence: number | null;
  /** Holds a chair (a treatment), as opposed to a consult. */
  chair: boolean;
  start: number;
  status: string;
  cancelledAt: number | null;
  /** Why it was cancelled: a released or expired hold is not a cancellation. */
  cancelReason: string | null;
  dischargedAt: number | null;
}

export interface ReportCourse {
  id: string;
  patientId: string;
  /** The protocol's visit count; an induction ends with its visit of this sequence. */
  visitCount: number;
  /** An induction series (not a repeating booster, not a single visit). */
  induction: boolean;
}

export interface ReportAssessment {
  patientId: string;
  score: number;
  takenAt: number;
}

export interface OutcomeReportInput {
  /** First instant of the first date and the instant after the last (the clinic's local dates). */
  from: number;
  to: number;
  /** When the report is made: a responder is followed once 90 days have passed by then. */
  now: number;
  visits: readonly ReportVisit[];
  courses: readonly ReportCourse[];
  /** PHQ-9 totals of the patients concerned, any date. */
  phq9: readonly ReportAssessment[];
}

export interface OutcomeReport {
  patientsTreated: number;
  treatments: number;
  seriesCompleted: number;
  outcomes: {
    /** Completed series with a baseline and a post-series PHQ-9: the rates' denominator. */
    assessed: number;
    responders: number;
    remissions: number;
    responseRate: number | null;
    remissionRate: number | null;
  };
  relapse: {
    /** Responders (of series completed in the range) whose 90 days after the series have passed by now. */
    followed: number;
    relapsedWithin90Days: number;
    rate: number | null;
  };
  noShows: { count: number; rate: number | null };
  cancellations: { count: number; byLeadTime: Record<(typeof LEAD_BUCKETS)[number]['key'], number> };
}

const rate = (n: number, d: number): number | null => (d > 0 ? n / d : null);
const within = (t: number, from: number, to: number) => t >= from && t < to;

/**
 * A clinic's outcomes over a date range, from what its visits and assessments recorded.
 *
 * - **Treated**: chair visits discharged that started in the range; patients counted once.
 * - **Series completed**: induction courses whose last visit (the protocol's visit count) was
 *   discharged in the range.
 * - **Response / remission at course end**: for each completed series, the post-series PHQ-9 (the
 *   first taken within {@link POST_SERIES_WINDOW_DAYS} days after the last discharge) against the
 *   baseline (the patient's first PHQ-9, taken by the first visit of the course), judged by
 *   {@link evaluateOutcome}. Series lacking either score are left out of the rates' denominator,
 *   which is reported (`assessed`).
 * - **Relapse within 90 days**: of those responders whose 90 days have passed when the report is made,
 *   those with any later PHQ-9 in those 90 days that {@link evaluateOutcome} calls a relapse signal
 *   against their baseline and post-series scores.
 * - **No-shows**: no-show visits starting in the range, and their share of discharged + no-show.
 * - **Cancellations**: visits cancelled that would have started in the range (released or expired
 *   holds are not cancellations), by how long before the start they were cancelled.
 */
export function outcomeReport(input: OutcomeReportInput): OutcomeReport {
  const { from, to } = input;
  const inRange = input.visits.filter((v) => within(v.start, from, to));
  const treated = inRange.filter((v) => v.chair && v.status === 'discharged');
  const noShows = inRange.filter((v) => v.status === 'no-show').length;
  const cancelled = inRange.filter(
    (v) => v.status === 'cancelled' && v.cancelledAt !== null && v.cancelReason !== 'hold-expired' && v.cancelReason !== 'hold-released',
  );
  const byLeadTime = { under24h: 0, from24hTo72h: 0, over72h: 0 };
  for (const v of cancelled) {
    const hours = (v.start - (v.cancelledAt as number)) / 3_600_000;
    byLeadTime[(LEAD_BUCKETS.find((b) => hours < b.below) ?? LEAD_BUCKETS[2]).key]++;
  }

  const phq9By = new Map<string, ReportAssessment[]>();
  for (const a of [...input.phq9].sort((x, y) => x.takenAt - y.takenAt)) phq9By.set(a.patientId, [...(phq9By.get(a.patientId) ?? []), a]);
  const visitsOf = new Map<string, ReportVisit[]>();
  for (const v of input.visits) if (v.courseId) visitsOf.set(v.courseId, [...(visitsOf.get(v.courseId) ?? []), v]);

  let seriesCompleted = 0;
  let assessed = 0;
  let responders = 0;
  let remissions = 0;
  let followed = 0;
  let relapsed = 0;
  for (const course of input.courses.filter((c) => c.induction)) {
    const visits = visitsOf.get(course.id) ?? [];
    const last = visits.find((v) => v.sequence === course.visitCount && v.status === 'discharged' && v.dischargedAt !== null);
    if (!last || !within(last.dischargedAt as number, from, to)) continue;
    seriesCompleted++;
    const end = last.dischargedAt as number;
    const firstStart = Math.min(...visits.map((v) => v.start));
    const scores = phq9By.get(course.patientId) ?? [];
    const baseline = scores.find((a) => a.takenAt <= firstStart);
    const post = scores.find((a) => a.takenAt > end && a.takenAt <= end + POST_SERIES_WINDOW_DAYS * DAY_MS);
    if (!baseline || !post) continue;
    assessed++;
    const outcome = evaluateOutcome({ instrument: 'PHQ-9', score: post.score, baseline: baseline.score });
    if (outcome.remission) remissions++;
    if (!outcome.response) continue;
    responders++;
    const watchEnd = end + RELAPSE_WINDOW_DAYS * DAY_MS;
    if (watchEnd > input.now) continue;
    followed++;
    const signal = scores.some(
      (a) =>
        a.takenAt > post.takenAt &&
        a.takenAt <= watchEnd &&
        evaluateOutcome({ instrument: 'PHQ-9', score: a.score, baseline: baseline.score, postSeries: post.score }).relapseSignal,
    );
    if (signal) relapsed++;
  }

  return {
    patientsTreated: new Set(treated.map((v) => v.patientId)).size,
    treatments: treated.length,
    seriesCompleted,
    outcomes: { assessed, responders, remissions, responseRate: rate(responders, assessed), remissionRate: rate(remissions, assessed) },
    relapse: { followed, relapsedWithin90Days: relapsed, rate: rate(relapsed, followed) },
    noShows: { count: noShows, rate: rate(noShows, noShows + treated.length) },
    cancellations: { count: cancelled.length, byLeadTime },
  };
}
