import { evaluateOutcome, OutcomeInput } from './outcome';

describe('evaluateOutcome: response and remission', () => {
  it.each([
    // [score, baseline, response]
    [10, 20, true],
    [11, 20, false],
    [9, 20, true],
    [10, 21, true], // 10 ≤ 10.5
    [11, 21, false],
    [0, 0, false], // no baseline to halve
    [5, undefined, false],
  ])('PHQ-9 %i against baseline %s → response %s', (score, baseline, response) => {
    expect(evaluateOutcome({ instrument: 'PHQ-9', score, baseline }).response).toBe(response);
  });

  it.each([
    [4, true],
    [5, false],
  ])('PHQ-9 %i → remission %s', (score, remission) => {
    expect(evaluateOutcome({ instrument: 'PHQ-9', score, baseline: 20 }).remission).toBe(remission);
  });

  it('never reports remission on GAD-7, but does report response', () => {
    expect(evaluateOutcome({ instrument: 'GAD-7', score: 2, baseline: 16 })).toEqual({
      changeFromBaseline: -14,
      response: true,
      remission: false,
      relapseSignal: false,
    });
  });

  it('reports the change from baseline, or null without one', () => {
    expect(evaluateOutcome({ instrument: 'PHQ-9', score: 8, baseline: 20 }).changeFromBaseline).toBe(-12);
    expect(evaluateOutcome({ instrument: 'PHQ-9', score: 22, baseline: 20 }).changeFromBaseline).toBe(2);
    expect(evaluateOutcome({ instrument: 'PHQ-9', score: 8 }).changeFromBaseline).toBeNull();
    expect(evaluateOutcome({ instrument: 'PHQ-9', score: 8, baseline: null }).changeFromBaseline).toBeNull();
  });
});

describe('evaluateOutcome: relapse signal', () => {
  it.each([
    // [score, baseline, postSeries, relapse]
    [8, 20, 4, false], // +4
    [9, 20, 4, true], // +5 exactly
    [10, 20, 6, false], // +4 and exactly half of baseline: still a response
    [11, 20, 7, true], // +4 but back above half of baseline
    [11, 22, 7, false], // 11 is exactly half of 22
    [12, 22, 8, true],
    [3, 4, 1, true], // 3 > 2: the response was lost even on a low baseline
    [5, 0, 0, true], // zero baseline: only the +5 rise counts
    [4, 0, 0, false],
    [9, undefined, 4, true],
    [8, undefined, 4, false],
  ])('score %i, baseline %s, post-series %s → %s', (score, baseline, postSeries, relapse) => {
    expect(evaluateOutcome({ instrument: 'PHQ-9', score, baseline, postSeries }).relapseSignal).toBe(relapse);
  });

  it('is not judged before the post-series score is known', () => {
    expect(evaluateOutcome({ instrument: 'PHQ-9', score: 25, baseline: 20 }).relapseSignal).toBe(false);
    expect(evaluateOutcome({ instrument: 'PHQ-9', score: 25, baseline: 20, postSeries: null }).relapseSignal).toBe(false);
  });
});

describe('evaluateOutcome: validation', () => {
  it.each([
    [{ instrument: 'PHQ-9', score: 28 }, ['score']],
    [{ instrument: 'GAD-7', score: 22 }, ['score']],
    [{ instrument: 'PHQ-9', score: -1, baseline: 30, postSeries: 1.5 }, ['score', 'baseline', 'postSeries']],
    [{ instrument: 'BDI', score: 3 }, ['instrument']],
  ] as [OutcomeInput, string[]][])('%j → 400 at %j', (input, paths) => {
    expect.assertions(2);
    try {
      evaluateOutcome(input);
    } catch (e) {
      expect(e).toMatchObject({ code: 'validation' });
      expect((e as { details: { errors: { path: string }[] } }).details.errors.map((x) => x.path)).toEqual(paths);
    }
  });
});
