import { clinicZone } from '../protocols/calendar';
import { assertValidProtocol } from '../protocols/protocol-rules';
import { DomainError } from '../shared/domain-error';
import type { PlanInput, TimeWindow } from './planning.types';

/** Most plans one request may ask for: a patient compares a handful, and the search is bounded by it. */
export const MAX_PLAN_LIMIT = 20;

/** Most time windows a request may list; each costs a check per candidate. */
export const MAX_TIME_WINDOWS = 12;

const WALL_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A window as minutes since local midnight, [from, to). */
export interface WindowMinutes {
  from: number;
  to: number;
}

/** Checked, normalized preferences. */
export interface ParsedPreferences {
  /** ISO weekdays allowed, or null for all. */
  weekdays: ReadonlySet<number> | null;
  /** In the patient's order of preference, or null for any time. */
  windows: WindowMinutes[] | null;
  sameTimeOfDay: boolean;
}

const invalid = (path: string, message: string): DomainError => new DomainError('validation', message, { path });

/** Minutes since midnight of 'HH:mm' ('24:00' allowed when `allowEnd`), or null when malformed. */
export function parseWallMinutes(text: string, allowEnd = false): number | null {
  if (allowEnd && text === '24:00') return 1440;
  const m = typeof text === 'string' ? WALL_RE.exec(text) : null;
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/**
 * Checks everything planSeries is given and throws `DomainError('validation', ..., {path})` at the
 * first problem: the HTTP layer turns `path` into the problem+json `errors` entry.
 */
export function parsePlanInput(input: PlanInput): ParsedPreferences {
  if (typeof input !== 'object' || input === null) throw invalid('', 'a plan request is required');
  assertValidProtocol(input.protocol);
  clinicZone(input.zone);
  if (!Number.isInteger(input.limit) || input.limit < 1 || input.limit > MAX_PLAN_LIMIT) {
    throw invalid('limit', `limit must be an integer from 1 to ${MAX_PLAN_LIMIT}`);
  }
  if (!Number.isFinite(input.earliestStart)) throw invalid('earliestStart', 'earliestStart must be an instant');
  if (input.anchor !== undefined && !Number.isFinite(input.anchor)) throw invalid('anchor', 'anchor must be an instant');
  if (!Array.isArray(input.candidates)) throw invalid('candidates', 'candidates must be an array');
  input.candidates.forEach((c, i) => {
    const ok =
      Number.isFinite(c?.start) &&
      Number.isFinite(c?.end) &&
      Number.isFinite(c?.chairReleasedAt) &&
      c.start < c.end &&
      c.end <= c.chairReleasedAt &&
      Array.isArray(c.chairIds) &&
      c.chairIds.every((id) => typeof id === 'string');
    if (!ok) throw invalid(`candidates[${i}]`, 'a candidate needs start < end <= chairReleasedAt and chair ids');
  });
  return parsePreferences(input.preferences);
}

function parsePreferences(prefs: PlanInput['preferences']): ParsedPreferences {
  if (prefs === undefined || prefs === null) return { weekdays: null, windows: null, sameTimeOfDay: false };
  if (typeof prefs !== 'object') throw invalid('preferences', 'preferences must be an object');
  let weekdays: Set<number> | null = null;
  if (prefs.weekdays !== undefined) {
    const w = prefs.weekdays;
    if (!Array.isArray(w) || w.length === 0) {
      throw invalid('preferences.weekdays', 'weekdays must list at least one ISO weekday (1 = Monday .. 7 = Sunday)');
    }
    w.forEach((d, i) => {
      if (!Number.isInteger(d) || d < 1 || d > 7)
        throw invalid(`preferences.weekdays[${i}]`, 'a weekday is an integer from 1 (Monday) to 7 (Sunday)');
    });
    weekdays = new Set(w);
  }
  let windows: WindowMinutes[] | null = null;
  if (prefs.timeWindows !== undefined) windows = parseWindows(prefs.timeWindows);
  if (prefs.sameTimeOfDay !== undefined && typeof prefs.sameTimeOfDay !== 'boolean') {
    throw invalid('preferences.sameTimeOfDay', 'sameTimeOfDay must be a boolean');
  }
  return { weekdays, windows, sameTimeOfDay: prefs.sameTimeOfDay === true };
}

function parseWindows(list: TimeWindow[]): WindowMinutes[] {
  if (!Array.isArray(list) || list.length === 0) throw invalid('preferences.timeWindows', 'timeWindows must list at least one window');
  if (list.length > MAX_TIME_WINDOWS) throw invalid('preferences.timeWindows', `at most ${MAX_TIME_WINDOWS} time windows`);
  return list.map((w, i) => {
    const from = parseWallMinutes(w?.from);
    const to = parseWallMinutes(w?.to, true);
    if (from === null || to === null) throw invalid(`preferences.timeWindows[${i}]`, "a time window is {from: 'HH:mm', to: 'HH:mm'}");
    // Windows over midnight are refused rather than guessed at: list two windows instead.
    if (from >= to) throw invalid(`preferences.timeWindows[${i}]`, 'a time window must end after it starts');
    return { from, to };
  });
}
