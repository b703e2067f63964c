import { DomainError } from '../shared/domain-error';
import { Instrument, INSTRUMENT_MAX_SCORE } from './scoring';

/** What {@link evaluateOutcome} compares. */
export interface OutcomeInput {
  instrument: Instrument;
  score: number;
  /** Score at intake. */
  baseline?: number | null;
  /** Score right after the induction series; relapse is only judged once it is known. */
  postSeries?: number | null;
}

/** How a score compares with the patient's baseline and post-series scores. */
export interface OutcomeEvaluation {
  /** `score − baseline` (negative is better); null without a baseline. */
  changeFromBaseline: number | null;
  /** Total down ≥ 50 % from a positive baseline (exactly half counts). */
  response: boolean;
  /** PHQ-9 total below 5. Always false for GAD-7: the domain defines remission on PHQ-9 only. */
  remission: boolean;
  /** A rise that should pull the next booster earlier. */
  relapseSignal: boolean;
}

/** Points above the post-series score that signal a relapse. */
export const RELAPSE_RISE_POINTS = 5;

/** PHQ-9 total below which a patient is in remission. */
export const PHQ9_REMISSION_BELOW = 5;

/**
 * Compares a score with the patient's history.
 *
 * - response: `baseline > 0 && score ≤ baseline × 0.5`;
 * - remission: PHQ-9 `score < 5`;
 * - relapse signal, only once `postSeries` is known: `score ≥ postSeries + 5`, or (with a positive
 *   baseline) `score > baseline × 0.5` — i.e. the response has been lost. A zero baseline has no
 *   "half" to fall back above, so only the rise counts then.
 *
 * @throws DomainError `validation` when a score is not an integer within the instrument's range
 */
export function evaluateOutcome(input: OutcomeInput): OutcomeEvaluation {
  const { instrument, score } = input;
  const baseline = input.baseline ?? null;
  const postSeries = input.postSeries ?? null;
  const max = INSTRUMENT_MAX_SCORE[instrument];
  if (max === undefined) {
    throw new DomainError('validation', 'Unknown instrument', { errors: [{ path: 'instrument', message: 'must be PHQ-9 or GAD-7' }] });
  }
  const errors = (
    [
      ['score', score],
      ['baseline', baseline],
      ['postSeries', postSeries],
    ] as const
  ).flatMap(([path, v]) =>
    v === null || (Number.isInteger(v) && v >= 0 && v <= max) ? [] : [{ path, message: `must be an integer from 0 to ${max}` }],
  );
  if (errors.length > 0) throw new DomainError('validation', `Invalid ${instrument} scores`, { errors });

  const half = baseline !== null && baseline > 0 ? baseline * 0.5 : null;
  return {
    changeFromBaseline: baseline === null ? null : score - baseline,
    response: half !== null && score <= half,
    remission: instrument === 'PHQ-9' && score < PHQ9_REMISSION_BELOW,
    relapseSignal: postSeries !== null && (score >= postSeries + RELAPSE_RISE_POINTS || (half !== null && score > half)),
  };
}
