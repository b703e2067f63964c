import { DomainError } from '../shared/domain-error';

/** Side effects nurses record after a treatment. */
export const SIDE_EFFECTS = ['nausea', 'dizziness', 'double-vision', 'drowsiness', 'confusion', 'other'] as const;

/** A side-effect code. */
export type SideEffectName = (typeof SIDE_EFFECTS)[number];

/** How bad a side effect was. */
export const SIDE_EFFECT_SEVERITIES = ['mild', 'moderate', 'severe'] as const;

/** A side-effect severity. */
export type SideEffectSeverity = (typeof SIDE_EFFECT_SEVERITIES)[number];

/** One recorded side effect. */
export interface SideEffect {
  name: SideEffectName;
  severity: SideEffectSeverity;
  /** Required for `other` (what it was); optional context for the rest. */
  note?: string;
}

/** Longest note kept; notes are free text and end up on the clinician's screen, not in logs. */
export const SIDE_EFFECT_NOTE_MAX = 500;

/**
 * Validates the side effects recorded at one visit (`effects[i].name`, `.severity`, `.note`).
 * An empty list is valid ("none"). A named effect may appear once per recording — two severities
 * for the same nausea is a data-entry slip — while `other` may repeat with different notes.
 *
 * @returns the effects, typed, with notes trimmed
 * @throws DomainError `validation` with `errors: [{path, message}]`
 */
export function validateSideEffects(effects: readonly unknown[]): SideEffect[] {
  const errors: { path: string; message: string }[] = [];
  if (!Array.isArray(effects)) {
    throw new DomainError('validation', 'Invalid side effects', { errors: [{ path: 'effects', message: 'must be an array' }] });
  }
  const seen = new Set<string>();
  const out: SideEffect[] = [];
  effects.forEach((raw, i) => {
    const at = `effects[${i}]`;
    if (typeof raw !== 'object' || raw === null) {
      errors.push({ path: at, message: 'must be an object' });
      return;
    }
    const { name, severity, note } = raw as Record<string, unknown>;
    if (typeof name !== 'string' || !(SIDE_EFFECTS as readonly string[]).includes(name)) {
      errors.push({ path: `${at}.name`, message: `must be one of ${SIDE_EFFECTS.join(', ')}` });
    } else if (name !== 'other' && seen.has(name)) {
      errors.push({ path: `${at}.name`, message: `${name} is listed twice` });
    }
    if (typeof name === 'string') seen.add(name);
    if (typeof severity !== 'string' || !(SIDE_EFFECT_SEVERITIES as readonly string[]).includes(severity)) {
      errors.push({ path: `${at}.severity`, message: `must be one of ${SIDE_EFFECT_SEVERITIES.join(', ')}` });
    }
    const trimmed = typeof note === 'string' ? note.trim() : undefined;
    if (note !== undefined && typeof note !== 'string') errors.push({ path: `${at}.note`, message: 'must be a string' });
    else if (name === 'other' && !trimmed) errors.push({ path: `${at}.note`, message: "is required for 'other'" });
    else if (trimmed !== undefined && trimmed.length > SIDE_EFFECT_NOTE_MAX) {
      errors.push({ path: `${at}.note`, message: `must be at most ${SIDE_EFFECT_NOTE_MAX} characters` });
    }
    out.push({
      name: name as SideEffectName,
      severity: severity as SideEffectSeverity,
      ...(trimmed ? { note: trimmed } : {}),
    });
  });
  if (errors.length > 0) throw new DomainError('validation', 'Invalid side effects', { errors });
  return out;
}
