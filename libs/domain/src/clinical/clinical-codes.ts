/**
 * Diagnosis codes accepted at screening (stable lowercase kebab-case).
 *
 * `suicidal-ideation` is not a DSM disorder but a coded clinical finding (ICD-10 R45.851); it is
 * listed here so an intake clinician can record acute suicidality or chronic suicidal ideation
 * as an indication even when the PHQ-9 was not taken.
 */
export const DIAGNOSES = [
  'major-depressive-disorder',
  'bipolar-disorder',
  'schizophrenia',
  'schizoaffective-disorder',
  'other-psychotic-disorder',
  'generalized-anxiety-disorder',
  'ptsd',
  'substance-use-disorder',
  'alcohol-use-disorder',
  'suicidal-ideation',
] as const;

/** A diagnosis code. */
export type Diagnosis = (typeof DIAGNOSES)[number];

/** Findings a clinician must weigh; they never block a course by themselves. */
export const RELATIVE_FLAGS = ['pregnancy', 'substance-use-history', 'cardiovascular-disease', 'prior-ketamine-reaction'] as const;

/** A relative-flag code. */
export type RelativeFlag = (typeof RELATIVE_FLAGS)[number];

/** Absolute contraindications: any one makes the screening `ineligible`. */
export const CONTRAINDICATIONS = ['psychotic-disorder', 'unmanaged-hypertension', 'acute-intoxication'] as const;

/** A contraindication code. */
export type Contraindication = (typeof CONTRAINDICATIONS)[number];

/** Indications the screening recognises. */
export const INDICATIONS = ['treatment-resistant-depression', 'suicidality', 'anxiety'] as const;

/** An indication code. */
export type Indication = (typeof INDICATIONS)[number];

/** Diagnoses that make up the `psychotic-disorder` contraindication. */
export const PSYCHOTIC_DIAGNOSES: readonly Diagnosis[] = ['schizophrenia', 'schizoaffective-disorder', 'other-psychotic-disorder'];

/** Diagnoses that imply the `substance-use-history` flag even when it was not ticked. */
export const SUBSTANCE_USE_DIAGNOSES: readonly Diagnosis[] = ['substance-use-disorder', 'alcohol-use-disorder'];
