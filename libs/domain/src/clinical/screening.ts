import { vitalsErrors, VitalsThresholds } from '../appointments/vitals';
import { DomainError } from '../shared/domain-error';
import {
  Contraindication,
  CONTRAINDICATIONS,
  Diagnosis,
  DIAGNOSES,
  Indication,
  INDICATIONS,
  PSYCHOTIC_DIAGNOSES,
  RELATIVE_FLAGS,
  RelativeFlag,
  SUBSTANCE_USE_DIAGNOSES,
} from './clinical-codes';
import { answerErrors, Gad7Score, Phq9Score, scoreGad7, scorePhq9 } from './scoring';

/** What the intake screening records (the body of `POST /v1/patients/:id/screenings`). */
export interface ScreeningInput {
  diagnoses: string[];
  antidepressantTrialsFailed: number;
  /** Screening blood pressure (mmHg). */
  systolic: number;
  diastolic: number;
  relativeFlags: string[];
  /** Attested or observed acute (alcohol) intoxication at the screening visit. */
  intoxicated?: boolean;
  /** PHQ-9 answers, 9 × 0–3, if taken. */
  phq9?: number[];
  /** GAD-7 answers, 7 × 0–3, if taken. */
  gad7?: number[];
}

/** The outcome of a screening, before a clinician's decision. */
export interface ScreeningResult {
  /** `ineligible` when any absolute contraindication is found; otherwise it waits for a clinician. */
  status: 'pending-review' | 'ineligible';
  contraindications: Contraindication[];
  indications: Indication[];
  /** The flags given plus those implied by a diagnosis, in {@link RELATIVE_FLAGS} order. */
  relativeFlags: RelativeFlag[];
  /** The baseline scores, so the caller can store them and escalate a positive item 9. */
  scores: { phq9: Phq9Score | null; gad7: Gad7Score | null };
}

/** Failed antidepressant trials from which depression counts as treatment-resistant. */
export const TRD_MIN_FAILED_TRIALS = 2;

/** GAD-7 total from which anxiety is an indication (the instrument's usual screening cut-off). */
export const GAD7_ANXIETY_CUTOFF = 10;

function codeErrors(values: unknown, known: readonly string[], path: string): { path: string; message: string }[] {
  if (!Array.isArray(values)) return [{ path, message: 'must be an array of codes' }];
  return values.flatMap((v: unknown, i) =>
    typeof v === 'string' && known.includes(v) ? [] : [{ path: `${path}[${i}]`, message: `unknown code ${JSON.stringify(v)}` }],
  );
}

function validateScreening(input: ScreeningInput): void {
  const errors = [
    ...codeErrors(input.diagnoses, DIAGNOSES, 'diagnoses'),
    ...codeErrors(input.relativeFlags, RELATIVE_FLAGS, 'relativeFlags'),
    ...vitalsErrors(input, ['systolic', 'diastolic']),
  ];
  const trials = input.antidepressantTrialsFailed;
  if (typeof trials !== 'number' || !Number.isInteger(trials) || trials < 0 || trials > 50) {
    errors.push({ path: 'antidepressantTrialsFailed', message: 'must be an integer from 0 to 50' });
  }
  if (input.intoxicated !== undefined && typeof input.intoxicated !== 'boolean') {
    errors.push({ path: 'intoxicated', message: 'must be a boolean' });
  }
  if (input.phq9 !== undefined) errors.push(...answerErrors(input.phq9, 9, 'phq9'));
  if (input.gad7 !== undefined) errors.push(...answerErrors(input.gad7, 7, 'gad7'));
  if (errors.length > 0) throw new DomainError('validation', 'The screening has invalid fields', { errors });
}

/**
 * Screens a patient at intake against the absolute contraindications and the indications.
 *
 * Contraindications (any one → `ineligible`):
 * - `psychotic-disorder`: schizophrenia, schizoaffective or another psychotic disorder;
 * - `unmanaged-hypertension`: screening BP at or over the clinic's threshold on either number
 *   (the same `vitalsHold` setting that stops a visit, so a patient is never screened in at a
 *   pressure that would keep them from ever starting); a clinician can re-screen once managed;
 * - `acute-intoxication`.
 *
 * Indications (recorded for the clinician; they do not change the status):
 * - `treatment-resistant-depression`: major depressive disorder with ≥ 2 failed antidepressant
 *   trials. Bipolar disorder is left to the clinician: antidepressant monotherapy is not standard
 *   there, so a count of failed antidepressant trials does not define resistance;
 * - `suicidality`: PHQ-9 item 9 above 0, or the `suicidal-ideation` diagnosis code (acute
 *   suicidality or chronic ideation recorded by the clinician). It is an indication, not a flag,
 *   because the domain lists it as a reason to treat, not a caution;
 * - `anxiety`: generalized anxiety disorder, PTSD, or a GAD-7 total ≥ 10.
 *
 * Relative flags are echoed, plus `substance-use-history` when a substance or alcohol use
 * disorder is diagnosed, so the clinician sees it even if the box was not ticked.
 *
 * A positive item 9 is reported in `scores.phq9.item9Positive`; raising the safety escalation is
 * the caller's job, and it must not wait for the clinician's review.
 *
 * @throws DomainError `validation` with `errors: [{path, message}]`, e.g. `diagnoses[2]`
 */
export function screen(input: ScreeningInput, thresholds: VitalsThresholds): ScreeningResult {
  validateScreening(input);
  const diagnoses = new Set(input.diagnoses as Diagnosis[]);
  const phq9 = input.phq9 ? scorePhq9(input.phq9) : null;
  const gad7 = input.gad7 ? scoreGad7(input.gad7) : null;

  const contra = new Set<Contraindication>();
  if (PSYCHOTIC_DIAGNOSES.some((d) => diagnoses.has(d))) contra.add('psychotic-disorder');
  if (input.systolic >= thresholds.systolic || input.diastolic >= thresholds.diastolic) contra.add('unmanaged-hypertension');
  if (input.intoxicated === true) contra.add('acute-intoxication');

  const ind = new Set<Indication>();
  if (diagnoses.has('major-depressive-disorder') && input.antidepressantTrialsFailed >= TRD_MIN_FAILED_TRIALS) {
    ind.add('treatment-resistant-depression');
  }
  if (phq9?.item9Positive || diagnoses.has('suicidal-ideation')) ind.add('suicidality');
  if (diagnoses.has('generalized-anxiety-disorder') || diagnoses.has('ptsd') || (gad7 !== null && gad7.score >= GAD7_ANXIETY_CUTOFF)) {
    ind.add('anxiety');
  }

  const flags = new Set(input.relativeFlags as RelativeFlag[]);
  if (SUBSTANCE_USE_DIAGNOSES.some((d) => diagnoses.has(d))) flags.add('substance-use-history');

  const contraindications = CONTRAINDICATIONS.filter((c) => contra.has(c));
  return {
    status: contraindications.length > 0 ? 'ineligible' : 'pending-review',
    contraindications,
    indications: INDICATIONS.filter((i) => ind.has(i)),
    relativeFlags: RELATIVE_FLAGS.filter((f) => flags.has(f)),
    scores: { phq9, gad7 },
  };
}
