import { DomainError } from '../shared/domain-error';

/** PHQ-9 severity band. */
export type Phq9Severity = 'minimal' | 'mild' | 'moderate' | 'moderately-severe' | 'severe';

/** GAD-7 severity band. */
export type Gad7Severity = 'minimal' | 'mild' | 'moderate' | 'severe';

/** A scored PHQ-9. */
export interface Phq9Score {
  score: number;
  severity: Phq9Severity;
  /** Item 9 (thoughts of self-harm) above 0: a safety escalation, whatever the total. */
  item9Positive: boolean;
}

/** A scored GAD-7. */
export interface Gad7Score {
  score: number;
  severity: Gad7Severity;
}

/** The instruments the product scores. */
export type Instrument = 'PHQ-9' | 'GAD-7';

/** Number of items of each instrument. */
export const INSTRUMENT_ITEMS: Readonly<Record<Instrument, number>> = Object.freeze({ 'PHQ-9': 9, 'GAD-7': 7 });

/** Highest possible total of each instrument (items × 3). */
export const INSTRUMENT_MAX_SCORE: Readonly<Record<Instrument, number>> = Object.freeze({ 'PHQ-9': 27, 'GAD-7': 21 });

/**
 * Field errors for a questionnaire's answers: exactly `count` integers 0–3. `path` names the
 * array in the caller's body (`answers`, `phq9`), so screening reports `phq9[3]`.
 */
export function answerErrors(answers: unknown, count: number, path = 'answers'): { path: string; message: string }[] {
  if (!Array.isArray(answers)) return [{ path, message: `must be an array of ${count} answers` }];
  if (answers.length !== count) return [{ path, message: `must have exactly ${count} answers, got ${answers.length}` }];
  const errors: { path: string; message: string }[] = [];
  answers.forEach((a: unknown, i) => {
    if (typeof a !== 'number' || !Number.isInteger(a) || a < 0 || a > 3) {
      errors.push({ path: `${path}[${i}]`, message: 'must be an integer from 0 to 3' });
    }
  });
  return errors;
}

function checkedTotal(answers: readonly number[], instrument: Instrument): number {
  const errors = answerErrors(answers, INSTRUMENT_ITEMS[instrument]);
  if (errors.length > 0) throw new DomainError('validation', `Invalid ${instrument} answers`, { errors });
  return answers.reduce((sum, a) => sum + a, 0);
}

/** PHQ-9 band: minimal 0–4, mild 5–9, moderate 10–14, moderately severe 15–19, severe 20–27. */
export function phq9Severity(score: number): Phq9Severity {
  if (score >= 20) return 'severe';
  if (score >= 15) return 'moderately-severe';
  if (score >= 10) return 'moderate';
  if (score >= 5) return 'mild';
  return 'minimal';
}

/** GAD-7 band: minimal 0–4, mild 5–9, moderate 10–14, severe 15–21. */
export function gad7Severity(score: number): Gad7Severity {
  if (score >= 15) return 'severe';
  if (score >= 10) return 'moderate';
  if (score >= 5) return 'mild';
  return 'minimal';
}

/**
 * Scores a PHQ-9: 9 answers 0–3, in questionnaire order (item 9 last).
 * @throws DomainError `validation` with `errors: [{path: 'answers' | 'answers[i]', message}]`
 */
export function scorePhq9(answers: readonly number[]): Phq9Score {
  const score = checkedTotal(answers, 'PHQ-9');
  return { score, severity: phq9Severity(score), item9Positive: answers[8] > 0 };
}

/**
 * Scores a GAD-7: 7 answers 0–3.
 * @throws DomainError `validation` with `errors: [{path: 'answers' | 'answers[i]', message}]`
 */
export function scoreGad7(answers: readonly number[]): Gad7Score {
  const score = checkedTotal(answers, 'GAD-7');
  return { score, severity: gad7Severity(score) };
}
