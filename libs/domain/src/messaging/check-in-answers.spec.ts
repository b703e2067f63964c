import fc from 'fast-check';
import { DomainError } from '../shared/domain-error';
import { CHECK_IN_KINDS, checkInForm, REPORTABLE_SIDE_EFFECTS, validateCheckInAnswer } from './check-in-answers';

function errorPaths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError && e.code === 'validation') return (e.details.errors as { path: string }[]).map((x) => x.path);
    throw e;
  }
  throw new Error('expected a validation error');
}

describe('checkInForm', () => {
  it('asks the PHQ-9 (9 × 0–3) for course-end check-ins and a wellbeing form after a visit', () => {
    expect(checkInForm('phq9-check-in')).toMatchObject({ instrument: 'PHQ-9', fields: [{ field: 'phq9', length: 9, min: 0, max: 3 }] });
    for (const kind of ['side-effects-check-in', 'next-day-check-in'] as const) {
      expect(checkInForm(kind).fields.map((f) => [f.field, f.required])).toEqual([
        ['feeling', true],
        ['sideEffects', false],
        ['suicidalThoughts', true],
      ]);
    }
  });

  it('offers every nurse-recorded side effect but the free-text `other`', () => {
    expect(REPORTABLE_SIDE_EFFECTS).not.toContain('other');
    expect(REPORTABLE_SIDE_EFFECTS).toContain('nausea');
  });
});

describe('validateCheckInAnswer', () => {
  it('accepts a PHQ-9 answer and copies it', () => {
    const phq9 = [0, 1, 2, 3, 0, 1, 2, 3, 1];
    const out = validateCheckInAnswer('phq9-check-in', { phq9 });
    expect(out).toEqual({ form: 'phq9', phq9 });
    phq9[0] = 3;
    expect(out).toEqual({ form: 'phq9', phq9: [0, 1, 2, 3, 0, 1, 2, 3, 1] });
  });

  it('accepts a wellbeing answer, side effects optional', () => {
    expect(validateCheckInAnswer('next-day-check-in', { feeling: 7, suicidalThoughts: false })).toEqual({
      form: 'wellbeing',
      feeling: 7,
      sideEffects: [],
      suicidalThoughts: false,
    });
    expect(
      validateCheckInAnswer('side-effects-check-in', { feeling: 0, sideEffects: ['nausea', 'dizziness'], suicidalThoughts: true }),
    ).toMatchObject({ sideEffects: ['nausea', 'dizziness'], suicidalThoughts: true });
  });

  it.each([
    ['phq9-check-in', { phq9: [0, 0, 0] }, ['answer.phq9']],
    ['phq9-check-in', { phq9: [0, 0, 0, 0, 4, 0, 0, 0, -1] }, ['answer.phq9[4]', 'answer.phq9[8]']],
    ['phq9-check-in', { phq9: [0, 0, 0, 0, 1.5, 0, 0, 0, 0] }, ['answer.phq9[4]']],
    ['phq9-check-in', {}, ['answer.phq9']],
    ['phq9-check-in', { phq9: Array(9).fill(0), feeling: 3 }, ['answer.feeling']],
    ['next-day-check-in', { feeling: 11, suicidalThoughts: false }, ['answer.feeling']],
    ['next-day-check-in', { feeling: 5 }, ['answer.suicidalThoughts']],
    ['next-day-check-in', { feeling: 5, suicidalThoughts: 'no' }, ['answer.suicidalThoughts']],
    ['side-effects-check-in', { feeling: 5, suicidalThoughts: false, sideEffects: ['other'] }, ['answer.sideEffects[0]']],
    ['side-effects-check-in', { feeling: 5, suicidalThoughts: false, sideEffects: ['nausea', 'nausea'] }, ['answer.sideEffects[1]']],
    ['side-effects-check-in', { feeling: 5, suicidalThoughts: false, sideEffects: 'nausea' }, ['answer.sideEffects']],
    ['side-effects-check-in', { feeling: 5, suicidalThoughts: false, phq9: Array(9).fill(0) }, ['answer.phq9']],
  ] as const)('%s %j → 400 at %j', (kind, answer, paths) => {
    expect(errorPaths(() => validateCheckInAnswer(kind, answer))).toEqual(paths);
  });

  it('refuses a non-object answer', () => {
    for (const kind of CHECK_IN_KINDS)
      for (const bad of [null, [], 'x', 3]) expect(errorPaths(() => validateCheckInAnswer(kind, bad))).toEqual(['answer']);
  });

  it('accepts exactly the PHQ-9 answers whose nine items are integers 0–3', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -2, max: 5 }), { minLength: 8, maxLength: 10 }), (phq9) => {
        const valid = phq9.length === 9 && phq9.every((v) => v >= 0 && v <= 3);
        let accepted = true;
        try {
          validateCheckInAnswer('phq9-check-in', { phq9 });
        } catch {
          accepted = false;
        }
        return accepted === valid;
      }),
    );
  });
});
