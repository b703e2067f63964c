import { DomainError } from '../shared/domain-error';

/** When a reading is taken relative to the treatment. */
export type VitalsPhase = 'pre' | 'during' | 'post';

/** One set of measurements (mmHg, beats/min, %). */
export interface VitalsMeasurement {
  systolic: number;
  diastolic: number;
  heartRate: number;
  spo2: number;
}

/** A recorded reading: measurements plus when and in which phase they were taken (epoch ms). */
export interface VitalsReading extends VitalsMeasurement {
  phase: VitalsPhase;
  takenAt: number;
}

/** Blood-pressure limits at or above which a visit may not start (clinic setting `vitalsHold`). */
export interface VitalsThresholds {
  systolic: number;
  diastolic: number;
}

/** Default `vitalsHold` setting; clinics set their own because no label gives one number. */
export const DEFAULT_VITALS_THRESHOLDS: Readonly<VitalsThresholds> = Object.freeze({ systolic: 160, diastolic: 100 });

/** Minutes to wait after a failed pre-treatment reading before the one re-check. */
export const PRE_VITALS_RECHECK_MINUTES = 15;

/**
 * Physiological bounds (inclusive). Values outside are typing mistakes (a swapped field, an extra
 * digit), not patients, so they are refused instead of being judged against the thresholds.
 */
export const VITALS_BOUNDS = Object.freeze({
  systolic: { min: 50, max: 300 },
  diastolic: { min: 20, max: 200 },
  heartRate: { min: 20, max: 250 },
  spo2: { min: 50, max: 100 },
} as const);

/** Field errors for one measurement, with paths prefixed by `prefix` (used by screening too). */
export function vitalsErrors(
  reading: Partial<Record<keyof VitalsMeasurement, unknown>>,
  fields: readonly (keyof VitalsMeasurement)[] = ['systolic', 'diastolic', 'heartRate', 'spo2'],
  prefix = '',
): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  for (const field of fields) {
    const value = reading[field];
    const { min, max } = VITALS_BOUNDS[field];
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      errors.push({ path: prefix + field, message: `${field} must be an integer` });
    } else if (value < min || value > max) {
      errors.push({ path: prefix + field, message: `${field} must be between ${min} and ${max}` });
    }
  }
  const { systolic, diastolic } = reading;
  if (
    fields.includes('diastolic') &&
    typeof systolic === 'number' &&
    typeof diastolic === 'number' &&
    !errors.some((e) => e.path === prefix + 'diastolic' || e.path === prefix + 'systolic') &&
    diastolic >= systolic
  ) {
    errors.push({ path: prefix + 'diastolic', message: 'diastolic must be lower than systolic' });
  }
  return errors;
}

/**
 * Checks a reading against physiological bounds: systolic 50–300, diastolic 20–200 and below
 * systolic, heart rate 20–250, SpO2 50–100, all integers.
 * @throws DomainError `validation` with `errors: [{path, message}]` listing every bad field.
 */
export function validateVitals(reading: VitalsMeasurement): void {
  const errors = vitalsErrors(reading);
  if (errors.length > 0) throw new DomainError('validation', 'The vitals reading is out of range', { errors });
}

/** True when blood pressure is below both thresholds (reaching a threshold is a failure). */
export function passesThresholds(reading: Pick<VitalsMeasurement, 'systolic' | 'diastolic'>, t: VitalsThresholds): boolean {
  return reading.systolic < t.systolic && reading.diastolic < t.diastolic;
}

/** What a pre-treatment reading means for the visit. */
export interface PreVitalsEvaluation {
  /** True when the visit may start. */
  accepted: boolean;
  /** `recheck`: first failure, one re-check allowed; `hold`: put the visit on `vitals-hold`. */
  outcome: 'ok' | 'recheck' | 'hold';
  /** For `recheck`: the earliest instant (epoch ms) the re-check may be taken. */
  recheckAfter?: number;
}

/**
 * Judges a new pre-treatment reading, taken at `now`, in the light of the visit's earlier ones.
 *
 * What counts is the run of failures at the end of `readings` (a pass resets it, so a patient who
 * passed and was re-measured later starts afresh):
 * - no failure yet: pass → `ok`; fail → `recheck`, allowed from `now + 15 min`;
 * - one failure: the re-check must come ≥ 15 min after it; pass → `ok`, fail → `hold`;
 * - two or more (the visit went on hold and a clinician cleared it): pass → `ok`, fail → `hold`
 *   again at once — the clinician already had their re-check.
 *
 * Only blood pressure is judged against the thresholds; bounds are checked by
 * {@link validateVitals} first.
 *
 * @param readings previous readings of the visit, oldest first; non-`pre` phases are ignored
 * @throws DomainError `invalid-state` with `reason: 'recheck-too-early'` and `recheckAfter`
 * @throws DomainError `validation` for an out-of-range reading
 */
export function evaluatePreVitals(
  readings: readonly VitalsReading[],
  reading: VitalsMeasurement,
  thresholds: VitalsThresholds,
  now: number,
): PreVitalsEvaluation {
  validateVitals(reading);
  const pre = readings.filter((r) => r.phase === 'pre');
  let trailingFailures = 0;
  for (let i = pre.length - 1; i >= 0 && !passesThresholds(pre[i], thresholds); i--) trailingFailures++;

  const recheckDelay = PRE_VITALS_RECHECK_MINUTES * 60_000;
  if (trailingFailures === 1) {
    const recheckAfter = pre[pre.length - 1].takenAt + recheckDelay;
    if (now < recheckAfter) {
      throw new DomainError('invalid-state', 'The blood-pressure re-check is allowed 15 minutes after the first reading', {
        reason: 'recheck-too-early',
        recheckAfter,
      });
    }
  }

  if (passesThresholds(reading, thresholds)) return { accepted: true, outcome: 'ok' };
  if (trailingFailures === 0) return { accepted: false, outcome: 'recheck', recheckAfter: now + recheckDelay };
  return { accepted: false, outcome: 'hold' };
}
