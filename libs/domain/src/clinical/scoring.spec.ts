import { DomainError } from '../shared/domain-error';
import { scoreGad7, scorePhq9 } from './scoring';

/** Answers summing to `total` with item 9 fixed, spread over the other items. */
function phq9(total: number, item9 = 0): number[] {
  const answers = Array<number>(9).fill(0);
  answers[8] = item9;
  let left = total - item9;
  for (let i = 0; i < 8 && left > 0; i++) {
    answers[i] = Math.min(3, left);
    left -= answers[i];
  }
  return answers;
}

function gad7(total: number): number[] {
  const answers = Array<number>(7).fill(0);
  let left = total;
  for (let i = 0; i < 7 && left > 0; i++) {
    answers[i] = Math.min(3, left);
    left -= answers[i];
  }
  return answers;
}

function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('scorePhq9', () => {
  it.each([
    [0, 'minimal'],
    [4, 'minimal'],
    [5, 'mild'],
    [9, 'mild'],
    [10, 'moderate'],
    [14, 'moderate'],
    [15, 'moderately-severe'],
    [19, 'moderately-severe'],
    [20, 'severe'],
    [24, 'severe'],
  ])('total %i → %s', (total, severity) => {
    expect(scorePhq9(phq9(total))).toEqual({ score: total, severity, item9Positive: false });
  });

  it.each([
    [0, false],
    [1, true],
    [2, true],
    [3, true],
  ])('item 9 = %i → item9Positive %s, even with a minimal total', (item9, positive) => {
    const r = scorePhq9(phq9(item9, item9));
    expect(r.item9Positive).toBe(positive);
    expect(r.severity).toBe('minimal');
  });

  it('scores the maximum, 27, as severe', () => {
    expect(scorePhq9(Array<number>(9).fill(3))).toEqual({ score: 27, severity: 'severe', item9Positive: true });
  });

  it('reads item 9 from the last position only', () => {
    expect(scorePhq9([3, 0, 0, 0, 0, 0, 0, 0, 0]).item9Positive).toBe(false);
  });

  it.each([
    [[], 'answers'],
    [phq9(0).slice(0, 8), 'answers'],
    [[...phq9(0), 0], 'answers'],
    [[0, 0, 0, 4, 0, 0, 0, 0, 0], 'answers[3]'],
    [[0, -1, 0, 0, 0, 0, 0, 0, 0], 'answers[1]'],
    [[0, 0, 0, 0, 0, 0, 0, 0, 1.5], 'answers[8]'],
    [[0, 0, 0, 0, 0, 0, 0, 0, Number.NaN], 'answers[8]'],
  ])('refuses %j at %s', (answers, path) => {
    const e = thrown(() => scorePhq9(answers));
    expect(e.code).toBe('validation');
    expect(e.details.errors).toEqual([expect.objectContaining({ path })]);
  });

  it('refuses a non-array', () => {
    expect(thrown(() => scorePhq9(null as unknown as number[])).details.errors).toEqual([expect.objectContaining({ path: 'answers' })]);
  });
});

describe('scoreGad7', () => {
  it.each([
    [0, 'minimal'],
    [4, 'minimal'],
    [5, 'mild'],
    [9, 'mild'],
    [10, 'moderate'],
    [14, 'moderate'],
    [15, 'severe'],
    [21, 'severe'],
  ])('total %i → %s', (total, severity) => {
    expect(scoreGad7(gad7(total))).toEqual({ score: total, severity });
  });

  it.each([
    [gad7(0).slice(0, 6), 'answers'],
    [phq9(0), 'answers'],
    [[0, 0, 0, 0, 0, 0, 7], 'answers[6]'],
  ])('refuses %j at %s', (answers, path) => {
    expect(thrown(() => scoreGad7(answers)).details.errors).toEqual([expect.objectContaining({ path })]);
  });
});
