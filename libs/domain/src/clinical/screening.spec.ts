import { DomainError } from '../shared/domain-error';
import { DIAGNOSES, RELATIVE_FLAGS } from './clinical-codes';
import { screen, ScreeningInput } from './screening';

const T = { systolic: 160, diastolic: 100 };
const base: ScreeningInput = {
  diagnoses: ['major-depressive-disorder'],
  antidepressantTrialsFailed: 2,
  systolic: 128,
  diastolic: 82,
  relativeFlags: [],
};

function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('screen: code lists', () => {
  it('covers the codes the API promises', () => {
    expect(DIAGNOSES).toEqual(
      expect.arrayContaining([
        'major-depressive-disorder',
        'bipolar-disorder',
        'schizophrenia',
        'schizoaffective-disorder',
        'other-psychotic-disorder',
        'generalized-anxiety-disorder',
        'ptsd',
        'substance-use-disorder',
        'alcohol-use-disorder',
      ]),
    );
    expect(RELATIVE_FLAGS).toEqual(
      expect.arrayContaining(['pregnancy', 'substance-use-history', 'cardiovascular-disease', 'prior-ketamine-reaction']),
    );
    for (const code of [...DIAGNOSES, ...RELATIVE_FLAGS]) expect(code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});

describe('screen: contraindications', () => {
  it.each([
    [{}, []],
    [{ diagnoses: ['schizophrenia'] }, ['psychotic-disorder']],
    [{ diagnoses: ['major-depressive-disorder', 'schizoaffective-disorder'] }, ['psychotic-disorder']],
    [{ diagnoses: ['other-psychotic-disorder'] }, ['psychotic-disorder']],
    [{ systolic: 159, diastolic: 99 }, []],
    [{ systolic: 160, diastolic: 99 }, ['unmanaged-hypertension']],
    [{ systolic: 159, diastolic: 100 }, ['unmanaged-hypertension']],
    [{ systolic: 160, diastolic: 100 }, ['unmanaged-hypertension']],
    [{ intoxicated: true }, ['acute-intoxication']],
    [{ intoxicated: false }, []],
    [
      { diagnoses: ['schizophrenia'], systolic: 170, intoxicated: true },
      ['psychotic-disorder', 'unmanaged-hypertension', 'acute-intoxication'],
    ],
  ] as [Partial<ScreeningInput>, string[]][])('%j → %j', (patch, contraindications) => {
    const r = screen({ ...base, ...patch }, T);
    expect(r.contraindications).toEqual(contraindications);
    expect(r.status).toBe(contraindications.length ? 'ineligible' : 'pending-review');
  });

  it('uses the clinic thresholds', () => {
    expect(screen({ ...base, systolic: 150 }, { systolic: 150, diastolic: 95 }).contraindications).toEqual(['unmanaged-hypertension']);
  });

  it('relative flags never block on their own', () => {
    const r = screen({ ...base, relativeFlags: [...RELATIVE_FLAGS] }, T);
    expect(r.status).toBe('pending-review');
    expect(r.relativeFlags).toEqual([...RELATIVE_FLAGS]);
  });
});

describe('screen: indications', () => {
  const phq9 = (item9: number) => [1, 1, 1, 1, 1, 1, 1, 1, item9];
  it.each([
    [{ antidepressantTrialsFailed: 1 }, []],
    [{ antidepressantTrialsFailed: 2 }, ['treatment-resistant-depression']],
    [{ antidepressantTrialsFailed: 5 }, ['treatment-resistant-depression']],
    // Bipolar depression is left to the clinician (documented in screen()).
    [{ diagnoses: ['bipolar-disorder'], antidepressantTrialsFailed: 3 }, []],
    [{ diagnoses: [], antidepressantTrialsFailed: 3 }, []],
    [{ antidepressantTrialsFailed: 0, phq9: phq9(0) }, []],
    [{ antidepressantTrialsFailed: 0, phq9: phq9(1) }, ['suicidality']],
    [{ antidepressantTrialsFailed: 0, diagnoses: ['suicidal-ideation'] }, ['suicidality']],
    [{ antidepressantTrialsFailed: 0, diagnoses: ['generalized-anxiety-disorder'] }, ['anxiety']],
    [{ antidepressantTrialsFailed: 0, diagnoses: ['ptsd'] }, ['anxiety']],
    [{ antidepressantTrialsFailed: 0, gad7: [3, 3, 3, 0, 0, 0, 0] }, []],
    [{ antidepressantTrialsFailed: 0, gad7: [3, 3, 3, 1, 0, 0, 0] }, ['anxiety']],
    [
      { antidepressantTrialsFailed: 4, phq9: phq9(2), gad7: [3, 3, 3, 3, 3, 3, 3] },
      ['treatment-resistant-depression', 'suicidality', 'anxiety'],
    ],
  ] as [Partial<ScreeningInput>, string[]][])('%j → %j', (patch, indications) => {
    expect(screen({ ...base, ...patch }, T).indications).toEqual(indications);
  });

  it('reports the baseline scores, including a positive item 9', () => {
    const r = screen({ ...base, phq9: [3, 3, 3, 3, 3, 3, 0, 0, 1], gad7: [1, 1, 1, 1, 1, 1, 1] }, T);
    expect(r.scores).toEqual({
      phq9: { score: 19, severity: 'moderately-severe', item9Positive: true },
      gad7: { score: 7, severity: 'mild' },
    });
    expect(screen(base, T).scores).toEqual({ phq9: null, gad7: null });
  });

  it.each(['substance-use-disorder', 'alcohol-use-disorder'])('%s implies the substance-use-history flag', (d) => {
    expect(screen({ ...base, diagnoses: [d] }, T).relativeFlags).toEqual(['substance-use-history']);
  });

  it('deduplicates repeated codes', () => {
    const r = screen({ ...base, diagnoses: ['ptsd', 'ptsd'], relativeFlags: ['pregnancy', 'pregnancy'] }, T);
    expect(r.relativeFlags).toEqual(['pregnancy']);
    expect(r.indications).toEqual(['anxiety']);
  });
});

describe('screen: validation', () => {
  it.each([
    [{ diagnoses: ['major-depressive-disorder', 'ptsd', 'depression'] }, ['diagnoses[2]']],
    [{ diagnoses: ['Schizophrenia'] }, ['diagnoses[0]']],
    [{ relativeFlags: ['pregnant'] }, ['relativeFlags[0]']],
    [{ diagnoses: 'ptsd' as unknown as string[] }, ['diagnoses']],
    [{ antidepressantTrialsFailed: -1 }, ['antidepressantTrialsFailed']],
    [{ antidepressantTrialsFailed: 1.5 }, ['antidepressantTrialsFailed']],
    [{ systolic: 20 }, ['systolic']],
    [{ systolic: 120, diastolic: 130 }, ['diastolic']],
    [{ phq9: [0, 0, 0] }, ['phq9']],
    [{ phq9: [0, 0, 0, 0, 0, 0, 0, 0, 9] }, ['phq9[8]']],
    [{ gad7: [0, 0, 0, 0, 0, 0, -2] }, ['gad7[6]']],
    [{ diagnoses: ['x'], relativeFlags: ['y'], gad7: [] }, ['diagnoses[0]', 'relativeFlags[0]', 'gad7']],
  ] as [Partial<ScreeningInput>, string[]][])('%j → 400 at %j', (patch, paths) => {
    const e = thrown(() => screen({ ...base, ...patch }, T));
    expect(e.code).toBe('validation');
    expect((e.details.errors as { path: string }[]).map((x) => x.path)).toEqual(paths);
  });
});
