import { SIDE_EFFECTS, SideEffectName } from '../clinical/side-effects';
import { DomainError } from '../shared/domain-error';

/** Message kinds whose one-tap link asks the patient to answer a check-in. */
export const CHECK_IN_KINDS = ['side-effects-check-in', 'next-day-check-in', 'phq9-check-in'] as const;

/** A check-in message kind. */
export type CheckInKind = (typeof CHECK_IN_KINDS)[number];

/** True when messages of `kind` carry a check-in answer link. */
export const isCheckInKind = (kind: string): kind is CheckInKind => (CHECK_IN_KINDS as readonly string[]).includes(kind);

/** Side effects a patient may report from home: the nurses' list without `other`, which needs a free-text note. */
export const REPORTABLE_SIDE_EFFECTS: readonly SideEffectName[] = SIDE_EFFECTS.filter((n) => n !== 'other');

/** Highest value of the 0–10 "how are you feeling" scale (0 = very bad, 10 = very well). */
export const FEELING_MAX = 10;

/** One field of a check-in form, as `GET /v1/actions/:token` describes it. */
export interface CheckInField {
  field: string;
  type: 'integer' | 'integer-list' | 'choice-list' | 'boolean';
  required: boolean;
  min?: number;
  max?: number;
  /** Exact number of integers (`integer-list`). */
  length?: number;
  /** Allowed values (`choice-list`; each at most once). */
  options?: readonly string[];
  /** Meaning of the integer values, lowest first. */
  scale?: readonly string[];
}

/** The questions of a check-in: what to answer and in which ranges — no patient data. */
export interface CheckInForm {
  /** Set when the answers are a scored instrument. */
  instrument?: 'PHQ-9';
  fields: CheckInField[];
}

const PHQ9_FORM: CheckInForm = {
  instrument: 'PHQ-9',
  fields: [
    {
      field: 'phq9',
      type: 'integer-list',
      required: true,
      length: 9,
      min: 0,
      max: 3,
      scale: ['not at all', 'several days', 'more than half the days', 'nearly every day'],
    },
  ],
};

const WELLBEING_FORM: CheckInForm = {
  fields: [
    { field: 'feeling', type: 'integer', required: true, min: 0, max: FEELING_MAX, scale: ['very bad', 'very well'] },
    { field: 'sideEffects', type: 'choice-list', required: false, options: REPORTABLE_SIDE_EFFECTS },
    { field: 'suicidalThoughts', type: 'boolean', required: true },
  ],
};

/** The form a check-in message asks for: the PHQ-9 for course-end check-ins, a short wellbeing form after a visit. */
export function checkInForm(kind: CheckInKind): CheckInForm {
  return kind === 'phq9-check-in' ? PHQ9_FORM : WELLBEING_FORM;
}

/** A validated check-in answer. */
export type CheckInAnswer =
  { form: 'phq9'; phq9: number[] } | { form: 'wellbeing'; feeling: number; sideEffects: SideEffectName[]; suicidalThoughts: boolean };

const isInt = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/**
 * Validates a patient's answer to a check-in of `kind` against {@link checkInForm}. Fields of
 * another form are refused rather than ignored, so a PHQ-9 sent to a wellbeing link is a 400, not
 * a silently empty answer. `suicidalThoughts` is required: the safety question may not be skipped.
 *
 * @throws DomainError `validation` with `errors: [{path: 'answer.phq9[3]', message}]`
 */
export function validateCheckInAnswer(kind: CheckInKind, raw: unknown): CheckInAnswer {
  const errors: { path: string; message: string }[] = [];
  const err = (path: string, message: string) => errors.push({ path: `answer${path}`, message });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DomainError('validation', 'The check-in answer is invalid', { errors: [{ path: 'answer', message: 'must be an object' }] });
  }
  const a = raw as Record<string, unknown>;
  const form = checkInForm(kind);
  const known = new Set(form.fields.map((f) => f.field));
  for (const [field, value] of Object.entries(a)) {
    if (value !== undefined && !known.has(field)) err(`.${field}`, `is not a question of this check-in`);
  }
  for (const f of form.fields) if (f.required && a[f.field] === undefined) err(`.${f.field}`, 'is required');

  if (kind === 'phq9-check-in') {
    const answers = a.phq9;
    if (answers !== undefined) {
      if (!Array.isArray(answers) || answers.length !== 9) err('.phq9', 'must be 9 answers');
      else answers.forEach((v: unknown, i) => !isInt(v, 0, 3) && err(`.phq9[${i}]`, 'must be an integer from 0 to 3'));
    }
    if (errors.length > 0) throw new DomainError('validation', 'The check-in answer is invalid', { errors });
    return { form: 'phq9', phq9: [...(answers as number[])] };
  }

  if (a.feeling !== undefined && !isInt(a.feeling, 0, FEELING_MAX)) err('.feeling', `must be an integer from 0 to ${FEELING_MAX}`);
  if (a.suicidalThoughts !== undefined && typeof a.suicidalThoughts !== 'boolean') err('.suicidalThoughts', 'must be true or false');
  const effects = a.sideEffects ?? [];
  if (!Array.isArray(effects)) err('.sideEffects', 'must be an array');
  else {
    effects.forEach((v: unknown, i) => {
      if (typeof v !== 'string' || !(REPORTABLE_SIDE_EFFECTS as readonly string[]).includes(v)) {
        err(`.sideEffects[${i}]`, `must be one of ${REPORTABLE_SIDE_EFFECTS.join(', ')}`);
      } else if (effects.indexOf(v) !== i) err(`.sideEffects[${i}]`, `${v} is listed twice`);
    });
  }
  if (errors.length > 0) throw new DomainError('validation', 'The check-in answer is invalid', { errors });
  return {
    form: 'wellbeing',
    feeling: a.feeling as number,
    sideEffects: [...(effects as SideEffectName[])],
    suicidalThoughts: a.suicidalThoughts as boolean,
  };
}
