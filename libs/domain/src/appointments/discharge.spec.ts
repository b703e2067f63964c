import { DischargeCheck, dischargeRefusals, spravatoVitalsMissing } from './discharge';
import { VitalsReading } from './vitals';

const MIN = 60_000;
const start = Date.UTC(2027, 2, 2, 14, 0);
const ok: DischargeCheck = {
  kind: 'iv-infusion',
  startedAt: start,
  now: start + 70 * MIN,
  treatmentMinutes: 40,
  minRecoveryMinutes: 30,
  postVitalsRecorded: true,
  rideHandoffName: 'Sam Driver',
};

describe('dischargeRefusals', () => {
  it.each([
    ['iv-infusion', 69, ['recovery-not-complete']],
    ['iv-infusion', 70, []],
    ['im-injection', 69, ['recovery-not-complete']],
    ['im-injection', 70, []],
    // Spravato: 10 min dose + 30 min recovery set by the clinic, but REMS asks 120 min.
    ['spravato', 119, ['recovery-not-complete']],
    ['spravato', 120, []],
  ] as const)('%s at %i min after start → %j', (kind, minutes, expected) => {
    const treatmentMinutes = kind === 'spravato' ? 10 : 40;
    expect(dischargeRefusals({ ...ok, kind, treatmentMinutes, now: start + minutes * MIN })).toEqual(expected);
  });

  it('keeps a longer clinic recovery for Spravato', () => {
    const check = { ...ok, kind: 'spravato', treatmentMinutes: 10, minRecoveryMinutes: 130 };
    expect(dischargeRefusals({ ...check, now: start + 139 * MIN })).toEqual(['recovery-not-complete']);
    expect(dischargeRefusals({ ...check, now: start + 140 * MIN })).toEqual([]);
  });

  it.each([
    [{ postVitalsRecorded: false }, ['post-vitals-missing']],
    [{ rideHandoffName: '' }, ['ride-handoff-missing']],
    [{ rideHandoffName: '   ' }, ['ride-handoff-missing']],
    [{ rideHandoffName: null }, ['ride-handoff-missing']],
    [{ rideHandoffName: undefined }, ['ride-handoff-missing']],
    [
      { now: start, postVitalsRecorded: false, rideHandoffName: null },
      ['recovery-not-complete', 'post-vitals-missing', 'ride-handoff-missing'],
    ],
  ])('%j → %j', (patch, expected) => {
    expect(dischargeRefusals({ ...ok, ...patch })).toEqual(expected);
  });

  it('refuses non-finite inputs instead of allowing discharge', () => {
    expect(() => dischargeRefusals({ ...ok, startedAt: Number.NaN })).toThrow(/finite/);
  });
});

describe('spravatoVitalsMissing', () => {
  const r = (phase: VitalsReading['phase'], minutes: number): VitalsReading => ({
    phase,
    takenAt: start + minutes * MIN,
    systolic: 130,
    diastolic: 80,
    heartRate: 70,
    spo2: 98,
  });

  it.each([
    [[], ['pre-dose', 'post-dose-40']],
    [[r('pre', -10)], ['post-dose-40']],
    [[r('pre', 0), r('during', 35)], []],
    [[r('pre', -5), r('during', 34)], ['post-dose-40']],
    [[r('pre', -5), r('post', 40)], []],
    [[r('pre', 1), r('post', 40)], ['pre-dose']],
    // A "pre" reading late in the session is not a post-dose reading.
    [[r('pre', -5), r('pre', 45)], ['post-dose-40']],
  ])('%j → missing %j', (readings, expected) => {
    expect(spravatoVitalsMissing(readings, start)).toEqual(expected);
  });
});
