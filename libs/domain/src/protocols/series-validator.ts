import { DomainError } from '../shared/domain-error';
import { clinicZone, formatDate, isoWeekIndex, isoWeekKey, localDay } from './calendar';
import { assertValidProtocol, phaseAllowance } from './protocol-rules';
import type { Protocol, SeriesContext, SeriesVisit, Violation } from './protocol.types';

interface DatedVisit extends SeriesVisit {
  /** Local calendar day in the clinic zone. */
  day: number;
}

/**
 * Checks a booking of a course against its protocol and returns every broken rule (empty = valid).
 * Everything that books or moves a visit goes through here; to reschedule one visit, pass the
 * whole set with the moved start, so spacing to both neighbours is re-checked.
 *
 * - Sequences must be exactly 1..n, each once ('sequence'); starts must rise strictly with the
 *   sequence ('order'), and with a repeat rule the first start must come after the anchor.
 * - Day rules compare clinic-local calendar dates in `zone`: two visits "2 days apart" are on
 *   dates two apart, whatever the hours between them (a daylight-saving week included).
 * - Spacing rules ('min-gap', 'max-per-week', 'max-span', 'phase-count', 'repeat-window') read the
 *   visits in time order, so a misordered set reports 'order' once instead of a cascade of gaps.
 *
 * Malformed input (unknown zone, a non-finite start, a malformed protocol) throws
 * `DomainError('validation')`: it is a bad request, not a broken rule.
 */
export function validateSeries(protocol: Protocol, visits: SeriesVisit[], zone: string, context: SeriesContext = {}): Violation[] {
  assertValidProtocol(protocol);
  clinicZone(zone);
  visits.forEach((v, i) => {
    if (!Number.isFinite(v?.start))
      throw new DomainError('validation', `visit ${i + 1} has no valid start`, { path: `visits[${i}].start` });
  });
  if (context.anchor !== undefined && !Number.isFinite(context.anchor)) {
    throw new DomainError('validation', 'anchor must be an instant', { path: 'anchor' });
  }
  const rules = protocol.rules;
  const complete = context.requireComplete ?? true;
  const violations: Violation[] = [];
  const add = (code: Violation['code'], message: string, sequence?: number) =>
    violations.push(sequence === undefined ? { code, message } : { code, sequence, message });

  const n = visits.length;
  if (complete ? !(n === rules.visitCount || (rules.optional === true && n === 0)) : n > rules.visitCount) {
    const expected = complete ? (rules.optional ? `0 or ${rules.visitCount}` : `${rules.visitCount}`) : `at most ${rules.visitCount}`;
    add('visit-count', `${protocol.key} books ${expected} visit(s) at once, not ${n}`);
  }

  const seen = new Set<number>();
  for (const v of visits) {
    if (!Number.isInteger(v.sequence) || v.sequence < 1 || v.sequence > n) {
      add('sequence', `sequence ${v.sequence} is outside 1..${n}`, v.sequence);
    } else if (seen.has(v.sequence)) {
      add('sequence', `sequence ${v.sequence} appears more than once`, v.sequence);
    }
    seen.add(v.sequence);
  }

  const bySequence = [...visits].sort((a, b) => a.sequence - b.sequence || a.start - b.start);
  for (let i = 1; i < bySequence.length; i++) {
    const [prev, cur] = [bySequence[i - 1], bySequence[i]];
    if (cur.start <= prev.start) add('order', `visit ${cur.sequence} does not start after visit ${prev.sequence}`, cur.sequence);
  }
  if (rules.repeat && context.anchor !== undefined && bySequence.length > 0 && bySequence[0].start <= context.anchor) {
    add('order', `visit ${bySequence[0].sequence} does not start after the previous visit of the course`, bySequence[0].sequence);
  }

  const dated: DatedVisit[] = visits
    .map((v) => ({ ...v, day: localDay(v.start, zone) }))
    .sort((a, b) => a.start - b.start || a.sequence - b.sequence);
  checkSpacing(protocol, dated, complete, context.anchor === undefined ? undefined : localDay(context.anchor, zone), add);
  return violations;
}

type Add = (code: Violation['code'], message: string, sequence?: number) => void;

function checkSpacing(protocol: Protocol, visits: DatedVisit[], complete: boolean, anchorDay: number | undefined, add: Add): void {
  const rules = protocol.rules;
  const gap = rules.minGapDays ?? 0;
  for (let i = 1; i < visits.length; i++) {
    const [prev, cur] = [visits[i - 1], visits[i]];
    const days = cur.day - prev.day;
    if (days < gap) {
      add(
        'min-gap',
        `visit ${cur.sequence} (${formatDate(cur.day)}) is ${days} day(s) after visit ${prev.sequence} (${formatDate(prev.day)}); at least ${gap} required`,
        cur.sequence,
      );
    }
  }

  if (rules.maxPerIsoWeek !== undefined) {
    const perWeek = new Map<number, number>();
    for (const v of visits) {
      const week = isoWeekIndex(v.day);
      const count = (perWeek.get(week) ?? 0) + 1;
      perWeek.set(week, count);
      if (count === rules.maxPerIsoWeek + 1) {
        add('max-per-week', `ISO week ${isoWeekKey(v.day)} holds more than ${rules.maxPerIsoWeek} visits`, v.sequence);
      }
    }
  }

  if (visits.length > 0) {
    const first = visits[0];
    const last = visits[visits.length - 1];
    if (rules.maxSpanDays !== undefined && last.day - first.day > rules.maxSpanDays) {
      add(
        'max-span',
        `visit ${last.sequence} (${formatDate(last.day)}) is ${last.day - first.day} days after the first (${formatDate(first.day)}); at most ${rules.maxSpanDays} allowed`,
        last.sequence,
      );
    }
    if (rules.phases) checkPhases(protocol, visits, complete, add);
  }

  if (rules.repeat) {
    const { windowMinDays: min, windowMaxDays: max } = rules.repeat;
    visits.forEach((v, i) => {
      const fromDay = i === 0 ? anchorDay : visits[i - 1].day;
      if (fromDay === undefined) return; // no anchor: the first visit of the booking is free
      const days = v.day - fromDay;
      if (days < min || days > max) {
        const from = i === 0 ? 'the previous visit of the course' : `visit ${visits[i - 1].sequence}`;
        add('repeat-window', `visit ${v.sequence} is ${days} day(s) after ${from}; ${min}–${max} required`, v.sequence);
      }
    });
  }
}

function checkPhases(protocol: Protocol, visits: DatedVisit[], complete: boolean, add: Add): void {
  const rules = protocol.rules;
  const firstDay = visits[0].day;
  const perWeek = new Map<number, DatedVisit[]>();
  for (const v of visits) {
    const week = Math.floor((v.day - firstDay) / 7) + 1;
    perWeek.set(week, [...(perWeek.get(week) ?? []), v]);
  }
  const lastPhaseWeek = Math.max(...(rules.phases ?? []).map((p) => p.toWeek));
  // With a complete set every phase week is checked, empty ones included: a missing week is a gap in the course.
  const weeks = new Set<number>(perWeek.keys());
  if (complete) for (let w = 1; w <= lastPhaseWeek; w++) weeks.add(w);
  for (const week of [...weeks].sort((a, b) => a - b)) {
    const count = perWeek.get(week)?.length ?? 0;
    const allowed = phaseAllowance(rules, week);
    const broken = complete ? count !== allowed : count > allowed;
    if (broken) {
      const offender = perWeek.get(week)?.[Math.min(count - 1, allowed)];
      add('phase-count', `course week ${week} holds ${count} visit(s); the protocol requires ${allowed}`, offender?.sequence);
    }
  }
}
