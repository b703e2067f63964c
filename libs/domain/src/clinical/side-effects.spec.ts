import { DomainError } from '../shared/domain-error';
import { SIDE_EFFECTS, validateSideEffects } from './side-effects';

function paths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError && e.code === 'validation') return (e.details.errors as { path: string }[]).map((x) => x.path);
    throw e;
  }
  throw new Error('expected a validation error');
}

describe('validateSideEffects', () => {
  it('accepts every named effect at every severity, and none at all', () => {
    expect(validateSideEffects([])).toEqual([]);
    const all = SIDE_EFFECTS.filter((n) => n !== 'other').map((name, i) => ({ name, severity: ['mild', 'moderate', 'severe'][i % 3] }));
    expect(validateSideEffects(all)).toEqual(all);
  });

  it("accepts 'other' with a note, trimmed, and repeated with different notes", () => {
    expect(
      validateSideEffects([
        { name: 'other', severity: 'mild', note: '  headache ' },
        { name: 'other', severity: 'moderate', note: 'tingling' },
      ]),
    ).toEqual([
      { name: 'other', severity: 'mild', note: 'headache' },
      { name: 'other', severity: 'moderate', note: 'tingling' },
    ]);
  });

  it.each([
    [[{ name: 'other', severity: 'mild' }], ['effects[0].note']],
    [[{ name: 'other', severity: 'mild', note: '   ' }], ['effects[0].note']],
    [[{ name: 'headache', severity: 'mild' }], ['effects[0].name']],
    [[{ name: 'nausea', severity: 'extreme' }], ['effects[0].severity']],
    [[{ name: 'nausea', severity: 'mild', note: 42 }], ['effects[0].note']],
    [[{ name: 'nausea', severity: 'mild', note: 'x'.repeat(501) }], ['effects[0].note']],
    [
      [
        { name: 'nausea', severity: 'mild' },
        { name: 'nausea', severity: 'severe' },
      ],
      ['effects[1].name'],
    ],
    [
      [null, 'nausea'],
      ['effects[0]', 'effects[1]'],
    ],
  ])('%j → 400 at %j', (effects, expected) => {
    expect(paths(() => validateSideEffects(effects))).toEqual(expected);
  });
});
