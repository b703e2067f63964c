import { DomainError } from '../shared/domain-error';
import { VISIT_KINDS, type Protocol, type ProtocolRules } from './protocol.types';

/** Most visits one booking may hold: a whole Spravato induction (12) with room to spare, and a bound on planning work. */
export const MAX_VISITS_PER_BOOKING = 30;

/** Longest day span any rule may name: ten years is a typo, not a protocol. */
const MAX_RULE_DAYS = 3650;

const RULE_KEYS: ReadonlySet<string> = new Set([
  'visitCount',
  'optional',
  'minGapDays',
  'maxPerIsoWeek',
  'maxSpanDays',
  'phases',
  'repeat',
]);

/** One problem with protocol data, addressed by a JSON path ('rules.phases[1].toWeek'). */
export interface ProtocolDataError {
  path: string;
  message: string;
}

const isInt = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/**
 * Checks rules read from storage or an admin request. The planner and the validator rely on what
 * this guarantees (integers in range, phases ordered and adding up to `visitCount`), so they run
 * it first rather than defending against nonsense at every step.
 */
export function validateProtocolRules(rules: ProtocolRules, path = 'rules'): ProtocolDataError[] {
  const errors: ProtocolDataError[] = [];
  const err = (p: string, message: string) => errors.push({ path: `${path}${p}`, message });
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) {
    err('', 'must be an object');
    return errors;
  }
  for (const key of Object.keys(rules)) if (!RULE_KEYS.has(key)) err(`.${key}`, 'is not a protocol rule');
  if (!isInt(rules.visitCount, 1, MAX_VISITS_PER_BOOKING)) err('.visitCount', `must be an integer from 1 to ${MAX_VISITS_PER_BOOKING}`);
  if (rules.optional !== undefined && typeof rules.optional !== 'boolean') err('.optional', 'must be a boolean');
  if (rules.minGapDays !== undefined && !isInt(rules.minGapDays, 0, MAX_RULE_DAYS)) err('.minGapDays', 'must be a non-negative integer');
  if (rules.maxPerIsoWeek !== undefined && !isInt(rules.maxPerIsoWeek, 1, MAX_VISITS_PER_BOOKING)) {
    err('.maxPerIsoWeek', `must be an integer from 1 to ${MAX_VISITS_PER_BOOKING}`);
  }
  if (rules.maxSpanDays !== undefined && !isInt(rules.maxSpanDays, 0, MAX_RULE_DAYS)) err('.maxSpanDays', 'must be a non-negative integer');
  if (rules.phases !== undefined) checkPhases(rules, err);
  if (rules.repeat !== undefined) {
    const r = rules.repeat;
    if (typeof r !== 'object' || r === null) err('.repeat', 'must be an object');
    else if (![r.windowMinDays, r.intervalDays, r.windowMaxDays].every((v) => isInt(v, 0, MAX_RULE_DAYS))) {
      err('.repeat', 'intervalDays, windowMinDays and windowMaxDays must be non-negative integers');
    } else if (!(r.windowMinDays <= r.intervalDays && r.intervalDays <= r.windowMaxDays)) {
      err('.repeat', 'must satisfy windowMinDays <= intervalDays <= windowMaxDays');
    }
  }
  return errors;
}

function checkPhases(rules: ProtocolRules, err: (p: string, m: string) => void): void {
  const phases = rules.phases;
  if (!Array.isArray(phases) || phases.length === 0) {
    err('.phases', 'must be a non-empty array');
    return;
  }
  let total = 0;
  let lastWeek = 0;
  phases.forEach((p, i) => {
    const at = `.phases[${i}]`;
    if (!isInt(p?.fromWeek, 1, 520) || !isInt(p?.toWeek, 1, 520) || !isInt(p?.visitsPerWeek, 0, 7)) {
      err(at, 'fromWeek and toWeek must be integers from 1, visitsPerWeek an integer from 0 to 7');
      return;
    }
    if (p.fromWeek > p.toWeek) err(at, 'fromWeek must not be after toWeek');
    if (p.fromWeek <= lastWeek) err(at, 'phases must be in week order and must not overlap');
    lastWeek = Math.max(lastWeek, p.toWeek);
    total += (p.toWeek - p.fromWeek + 1) * p.visitsPerWeek;
  });
  // Course weeks count from the first visit, so week 1 always holds at least that visit.
  if (phases[0]?.fromWeek !== 1 || !(phases[0]?.visitsPerWeek >= 1)) err('.phases[0]', 'must start at week 1 with at least one visit');
  if (total !== rules.visitCount) err('.phases', `must add up to visitCount (${rules.visitCount}), not ${total}`);
}

/** Checks a whole protocol record: identity fields, then its rules. */
export function validateProtocol(protocol: Protocol): ProtocolDataError[] {
  const errors: ProtocolDataError[] = [];
  if (typeof protocol !== 'object' || protocol === null) return [{ path: '', message: 'must be an object' }];
  if (typeof protocol.key !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(protocol.key)) {
    errors.push({ path: 'key', message: 'must be a kebab-case key' });
  }
  if (!isInt(protocol.version, 1, Number.MAX_SAFE_INTEGER)) errors.push({ path: 'version', message: 'must be a positive integer' });
  if (typeof protocol.name !== 'string' || protocol.name.trim() === '') errors.push({ path: 'name', message: 'must not be empty' });
  if (!(VISIT_KINDS as readonly string[]).includes(protocol.visitKind)) {
    errors.push({ path: 'visitKind', message: `must be one of ${VISIT_KINDS.join(', ')}` });
  }
  return errors.concat(validateProtocolRules(protocol.rules));
}

/** Throws `DomainError('validation')` listing every problem (`details.errors`) when the protocol is malformed. */
export function assertValidProtocol(protocol: Protocol, path = 'protocol'): void {
  const errors = validateProtocol(protocol);
  if (errors.length > 0) {
    throw new DomainError('validation', `protocol ${String(protocol?.key)} is malformed: ${errors[0].path} ${errors[0].message}`, {
      path,
      errors: errors.map((e) => ({ path: e.path === '' ? path : `${path}.${e.path}`, message: e.message })),
    });
  }
}

/**
 * Course week of each visit (index 0 = sequence 1) in a complete booking of a phased protocol.
 * Exact per-week counts pin every visit to one week: the first `visitsPerWeek` visits are in the
 * first phase week, and so on. Null when the protocol has no phases.
 */
export function phaseWeeks(rules: ProtocolRules): number[] | null {
  if (!rules.phases) return null;
  const weeks: number[] = [];
  for (const p of rules.phases) {
    for (let w = p.fromWeek; w <= p.toWeek; w++) for (let n = 0; n < p.visitsPerWeek; n++) weeks.push(w);
  }
  return weeks;
}

/** Visits allowed in one course week under the phases, 0 for a week outside every phase. */
export function phaseAllowance(rules: ProtocolRules, week: number): number {
  const phase = rules.phases?.find((p) => week >= p.fromWeek && week <= p.toWeek);
  return phase ? phase.visitsPerWeek : 0;
}
