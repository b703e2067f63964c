import { DomainError } from '../shared/domain-error';
import { VitalsReading } from './vitals';

/** Why a patient may not be discharged yet (stable codes). */
export type DischargeRefusal = 'recovery-not-complete' | 'post-vitals-missing' | 'ride-handoff-missing';

/** Spravato REMS: minimum observation from the start of the session, whatever the clinic sets. */
export const SPRAVATO_MIN_OBSERVATION_MINUTES = 120;

/** Spravato REMS: a post-dose BP reading counts as the "~40 min" one from this many minutes on. */
export const SPRAVATO_POST_DOSE_MIN_MINUTES = 35;

/** What {@link dischargeRefusals} needs to know about the visit. */
export interface DischargeCheck {
  /** The visit kind (`iv-infusion`, `im-injection`, `spravato`, ...). */
  kind: string;
  /** When treatment started (epoch ms). */
  startedAt: number;
  now: number;
  treatmentMinutes: number;
  minRecoveryMinutes: number;
  postVitalsRecorded: boolean;
  /** Name of the person the patient was handed over to; blank counts as missing. */
  rideHandoffName?: string | null;
}

/**
 * Every reason the patient cannot leave yet, in a fixed order; empty means discharge is allowed.
 *
 * Recovery is complete at `startedAt + treatment + recovery`; for `spravato` it is never earlier
 * than 120 min after the start, because the REMS observation minimum overrides a shorter clinic
 * setting. Whether the post readings are *stable* is a nurse's judgement recorded as the reading,
 * so only their presence is checked here.
 */
export function dischargeRefusals(check: DischargeCheck): DischargeRefusal[] {
  const { kind, startedAt, now, treatmentMinutes, minRecoveryMinutes } = check;
  if (![startedAt, now, treatmentMinutes, minRecoveryMinutes].every(Number.isFinite)) {
    throw new DomainError('validation', 'Discharge check needs finite times and durations');
  }
  let minutes = treatmentMinutes + minRecoveryMinutes;
  if (kind === 'spravato') minutes = Math.max(minutes, SPRAVATO_MIN_OBSERVATION_MINUTES);

  const refusals: DischargeRefusal[] = [];
  if (now < startedAt + minutes * 60_000) refusals.push('recovery-not-complete');
  if (!check.postVitalsRecorded) refusals.push('post-vitals-missing');
  if (!check.rideHandoffName?.trim()) refusals.push('ride-handoff-missing');
  return refusals;
}

/** A Spravato REMS blood-pressure checkpoint. */
export type SpravatoVitalsCheckpoint = 'pre-dose' | 'post-dose-40';

/**
 * Which REMS blood-pressure checkpoints of a Spravato session have no reading yet.
 *
 * - `pre-dose`: a `pre` reading taken at or before `startedAt` (a reading entered after the dose
 *   cannot have been "before the dose", whatever its label).
 * - `post-dose-40`: a `during` or `post` reading taken ≥ 35 min after `startedAt`; the label says
 *   "about 40 min", and a reading at 35–40 min is what nurses record when the cuff cycles early.
 */
export function spravatoVitalsMissing(readings: readonly VitalsReading[], startedAt: number): SpravatoVitalsCheckpoint[] {
  const missing: SpravatoVitalsCheckpoint[] = [];
  if (!readings.some((r) => r.phase === 'pre' && r.takenAt <= startedAt)) missing.push('pre-dose');
  const postFrom = startedAt + SPRAVATO_POST_DOSE_MIN_MINUTES * 60_000;
  if (!readings.some((r) => r.phase !== 'pre' && r.takenAt >= postFrom)) missing.push('post-dose-40');
  return missing;
}
