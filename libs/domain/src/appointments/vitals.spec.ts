import { DomainError } from '../shared/domain-error';
import { evaluatePreVitals, validateVitals, VitalsMeasurement, VitalsReading } from './vitals';

const T = { systolic: 160, diastolic: 100 };
const MIN = 60_000;
const t0 = Date.UTC(2027, 2, 2, 14, 0);
const m = (systolic: number, diastolic: number): VitalsMeasurement => ({ systolic, diastolic, heartRate: 72, spo2: 98 });
const pre = (systolic: number, diastolic: number, takenAt: number): VitalsReading => ({ ...m(systolic, diastolic), phase: 'pre', takenAt });

function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('evaluatePreVitals: thresholds', () => {
  it.each([
    [159, 99, 'ok'],
    [160, 99, 'recheck'],
    [159, 100, 'recheck'],
    [160, 100, 'recheck'],
    [120, 80, 'ok'],
    [200, 60, 'recheck'],
    [150, 105, 'recheck'],
  ] as const)('%i/%i on the first reading → %s', (sys, dia, outcome) => {
    const r = evaluatePreVitals([], m(sys, dia), T, t0);
    expect(r.outcome).toBe(outcome);
    expect(r.accepted).toBe(outcome === 'ok');
    if (outcome === 'recheck') expect(r.recheckAfter).toBe(t0 + 15 * MIN);
    else expect(r.recheckAfter).toBeUndefined();
  });

  it('uses the clinic thresholds given, not 160/100', () => {
    expect(evaluatePreVitals([], m(150, 90), { systolic: 150, diastolic: 95 }, t0).outcome).toBe('recheck');
    expect(evaluatePreVitals([], m(165, 90), { systolic: 170, diastolic: 95 }, t0).outcome).toBe('ok');
  });
});

describe('evaluatePreVitals: re-check and hold', () => {
  const failed = [pre(165, 95, t0)];

  it.each([
    [14, true],
    [15, false],
    [16, false],
  ])('a re-check %i min after the first failure is too early: %s', (after, early) => {
    const call = () => evaluatePreVitals(failed, m(150, 90), T, t0 + after * MIN);
    if (early) {
      const e = thrown(call);
      expect(e.code).toBe('invalid-state');
      expect(e.details).toMatchObject({ reason: 'recheck-too-early', recheckAfter: t0 + 15 * MIN });
    } else {
      expect(call()).toEqual({ accepted: true, outcome: 'ok' });
    }
  });

  it('a second failure puts the visit on hold', () => {
    expect(evaluatePreVitals(failed, m(160, 100), T, t0 + 15 * MIN)).toEqual({ accepted: false, outcome: 'hold' });
  });

  it('ignores readings of other phases', () => {
    const readings: VitalsReading[] = [{ ...m(190, 110), phase: 'post', takenAt: t0 - 60 * MIN }];
    expect(evaluatePreVitals(readings, m(170, 90), T, t0).outcome).toBe('recheck');
  });

  it('after a hold was cleared, another failure holds again without waiting', () => {
    const readings = [pre(165, 95, t0), pre(166, 96, t0 + 15 * MIN)];
    expect(evaluatePreVitals(readings, m(161, 90), T, t0 + 16 * MIN).outcome).toBe('hold');
    expect(evaluatePreVitals(readings, m(140, 90), T, t0 + 16 * MIN).outcome).toBe('ok');
  });

  it('a pass resets the run: a later failure gets its own re-check', () => {
    const readings = [pre(165, 95, t0), pre(150, 90, t0 + 15 * MIN)];
    expect(evaluatePreVitals(readings, m(170, 90), T, t0 + 60 * MIN)).toEqual({
      accepted: false,
      outcome: 'recheck',
      recheckAfter: t0 + 75 * MIN,
    });
  });

  it('validates the reading before judging it', () => {
    expect(thrown(() => evaluatePreVitals([], m(400, 90), T, t0)).code).toBe('validation');
  });
});

describe('validateVitals', () => {
  it.each([
    [{ systolic: 50, diastolic: 20, heartRate: 20, spo2: 50 }],
    [{ systolic: 300, diastolic: 200, heartRate: 250, spo2: 100 }],
    [{ systolic: 120, diastolic: 80, heartRate: 60, spo2: 97 }],
  ])('accepts %j', (reading) => {
    expect(() => validateVitals(reading)).not.toThrow();
  });

  it.each([
    [{ systolic: 49 }, 'systolic'],
    [{ systolic: 301 }, 'systolic'],
    [{ diastolic: 19 }, 'diastolic'],
    [{ systolic: 120, diastolic: 120 }, 'diastolic'],
    [{ systolic: 120, diastolic: 130 }, 'diastolic'],
    [{ heartRate: 19 }, 'heartRate'],
    [{ heartRate: 251 }, 'heartRate'],
    [{ spo2: 49 }, 'spo2'],
    [{ spo2: 101 }, 'spo2'],
    [{ spo2: 97.5 }, 'spo2'],
    [{ heartRate: Number.NaN }, 'heartRate'],
    [{ systolic: '120' as unknown as number }, 'systolic'],
  ])('refuses %j at path %s', (patch, path) => {
    const e = thrown(() => validateVitals({ ...m(120, 80), ...patch }));
    expect(e.code).toBe('validation');
    expect(e.details.errors).toEqual([expect.objectContaining({ path })]);
  });

  it('lists every bad field at once', () => {
    const e = thrown(() => validateVitals({ systolic: 10, diastolic: 5, heartRate: 0, spo2: 0 }));
    expect((e.details.errors as { path: string }[]).map((x) => x.path)).toEqual(['systolic', 'diastolic', 'heartRate', 'spo2']);
  });
});
