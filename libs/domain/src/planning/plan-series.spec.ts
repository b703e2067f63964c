import { validateSeries } from '../protocols/series-validator';
import { DomainError } from '../shared/domain-error';
import { planSeries } from './plan-series';
import { at, BERLIN, customProtocol, grid, local, NY, protocol, slot } from './planning.fixtures';
import type { Plan, PlanInput } from './planning.types';

const iv = protocol('iv-induction');
const MONDAY = '2027-03-01';
const base = (over: Partial<PlanInput> = {}): PlanInput => ({
  protocol: iv,
  zone: NY,
  earliestStart: at(`${MONDAY} 00:00`),
  candidates: grid({ from: MONDAY, days: 28, times: ['08:00', '09:00', '10:00', '13:00'], chairs: ['a', 'b', 'c'] }),
  limit: 5,
  ...over,
});
const dates = (plan: Plan, zone = NY) => plan.visits.map((v) => local(v.start, zone));

describe('planSeries', () => {
  it('plans an IV induction Mon/Wed/Fri for two weeks, same time and chair, finishing soonest', () => {
    const plans = planSeries(base());
    expect(dates(plans[0])).toEqual(['01', '03', '05', '08', '10', '12'].map((d) => `2027-03-${d} 08:00`));
    expect(new Set(plans[0].visits.map((v) => v.chairId))).toEqual(new Set(['a']));
    expect(plans[0].score).toMatchObject({ completesAt: at('2027-03-12 09:20'), sameTimeOfDay: true, offTimeVisits: 0, offChairVisits: 0 });
    expect(plans[0].visits.map((v) => v.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('returns up to limit plans, distinct in their starts, valid, in non-decreasing total', () => {
    const plans = planSeries(base());
    expect(plans).toHaveLength(5);
    expect(new Set(plans.map((p) => p.visits.map((v) => v.start).join())).size).toBe(5);
    for (const p of plans) expect(validateSeries(iv, p.visits, NY)).toEqual([]);
    for (let i = 1; i < plans.length; i++) expect(plans[i].score.total).toBeGreaterThanOrEqual(plans[i - 1].score.total);
    // Next best: the same finish, one visit an hour off — the latest one, since starts break ties.
    expect(dates(plans[1])).toEqual(
      ['01', '03', '05', '08'].map((d) => `2027-03-${d} 08:00`).concat(['2027-03-10 09:00', '2027-03-12 08:00']),
    );
  });

  it('keeps to the weekdays and time windows as hard filters', () => {
    const plans = planSeries(base({ preferences: { weekdays: [2, 4], timeWindows: [{ from: '12:00', to: '14:00' }] }, limit: 3 }));
    expect(dates(plans[0])).toEqual(['02', '04', '09', '11', '16', '18'].map((d) => `2027-03-${d} 13:00`));
    for (const p of plans) for (const v of p.visits) expect(local(v.start)).toMatch(/ 13:00$/);
  });

  it('finds nothing when the filters leave no valid series', () => {
    expect(planSeries(base({ preferences: { weekdays: [1] } }))).toEqual([]);
    expect(planSeries(base({ candidates: [] }))).toEqual([]);
  });

  it('ranks an earlier-listed window before closeness in time', () => {
    const two = customProtocol({ visitCount: 2, minGapDays: 2 });
    const candidates = [slot('2027-03-01 08:00', ['a']), slot('2027-03-01 14:00', ['a']), slot('2027-03-03 10:00', ['a'])];
    const first = (preferences?: PlanInput['preferences']) => dates(planSeries(base({ protocol: two, candidates, preferences }))[0])[0];
    expect(first()).toBe('2027-03-01 08:00'); // 2 h from the last visit's 10:00 beats 4 h
    expect(
      first({
        timeWindows: [
          { from: '14:00', to: '16:00' },
          { from: '08:00', to: '11:00' },
        ],
      }),
    ).toBe('2027-03-01 14:00');
  });

  it('with sameTimeOfDay, trades an earlier finish for one time of day', () => {
    const two = customProtocol({ visitCount: 2, minGapDays: 2 });
    const candidates = [slot('2027-03-01 08:00', ['a']), slot('2027-03-03 10:00', ['a']), slot('2027-03-05 08:00', ['a'])];
    expect(dates(planSeries(base({ protocol: two, candidates }))[0])).toEqual(['2027-03-01 08:00', '2027-03-03 10:00']);
    const plans = planSeries(base({ protocol: two, candidates, preferences: { sameTimeOfDay: true } }));
    expect(plans.map((p) => dates(p))).toEqual([
      ['2027-03-01 08:00', '2027-03-05 08:00'],
      ['2027-03-01 08:00', '2027-03-03 10:00'],
      ['2027-03-03 10:00', '2027-03-05 08:00'],
    ]);
    expect(plans.map((p) => p.score.sameTimeOfDay)).toEqual([true, false, false]);
  });

  it('keeps one chair across visits, then prefers the chair time it strands least', () => {
    const two = customProtocol({ visitCount: 2, minGapDays: 2 });
    const sameChair = [slot('2027-03-01 09:00', ['a', 'b']), slot('2027-03-03 09:00', ['b'])];
    expect(planSeries(base({ protocol: two, candidates: sameChair }))[0].visits.map((v) => v.chairId)).toEqual(['b', 'b']);
    const frag = { a: 30, b: 0 };
    const packed = [
      slot('2027-03-01 09:00', ['a', 'b'], { fragmentation: frag }),
      slot('2027-03-03 09:00', ['a', 'b'], { fragmentation: frag }),
    ];
    const [plan] = planSeries(base({ protocol: two, candidates: packed }));
    expect(plan.visits.map((v) => v.chairId)).toEqual(['b', 'b']);
    expect(plan.score.fragmentationMinutes).toBe(0);
  });

  it('plans boosters closest to 28 days after the anchor before earlier ones', () => {
    const candidates = grid({ from: MONDAY, days: 70, times: ['09:00'], chairs: ['a'], weekdays: [1, 2, 3, 4, 5, 6, 7] });
    const plans = planSeries(base({ protocol: protocol('iv-booster'), candidates, anchor: at('2027-03-01 09:00') }));
    expect(plans.map((p) => dates(p)[0].slice(0, 10))).toEqual(['2027-03-29', '2027-03-28', '2027-03-30', '2027-03-27', '2027-03-31']);
    expect(plans.map((p) => p.score.repeatDeviationDays)).toEqual([0, 1, 1, 2, 2]);
  });

  it('plans Spravato maintenance weekly from the last induction session', () => {
    const candidates = grid({ from: MONDAY, days: 70, times: ['09:00'], chairs: ['a'] });
    const [plan] = planSeries(base({ protocol: protocol('spravato-maintenance'), candidates, anchor: at('2027-03-03 09:00'), limit: 1 }));
    expect(dates(plan).map((d) => d.slice(0, 10))).toEqual(['2027-03-10', '2027-03-17', '2027-03-24', '2027-03-31']);
  });

  it('plans a Spravato induction: two a week for four weeks, then weekly', () => {
    const candidates = grid({ from: MONDAY, days: 70, times: ['09:00', '11:00'], chairs: ['a', 'b'] });
    const [plan] = planSeries(base({ protocol: protocol('spravato-induction'), candidates, limit: 1 }));
    expect(validateSeries(protocol('spravato-induction'), plan.visits, NY)).toEqual([]);
    expect(dates(plan)[0]).toBe('2027-03-01 09:00');
    expect(dates(plan)[11]).toBe('2027-04-19 09:00'); // first day of course week 8
  });

  it('keeps 09:00 local across the New York and Berlin DST changes', () => {
    for (const [zone, from] of [
      [NY, '2027-03-08'],
      [BERLIN, '2027-03-22'],
    ]) {
      const candidates = grid({ from, days: 21, times: ['09:00', '10:00'], chairs: ['a'], zone });
      const [plan] = planSeries(base({ zone, earliestStart: at(`${from} 00:00`, zone), candidates }));
      expect(dates(plan, zone).map((d) => d.slice(11))).toEqual(Array(6).fill('09:00'));
      expect(validateSeries(iv, plan.visits, zone)).toEqual([]);
    }
  });

  it('places two visits on one day only when their chair times do not overlap', () => {
    const sameDay = customProtocol({ visitCount: 2 });
    const candidates = [slot('2027-03-01 09:00', ['a']), slot('2027-03-01 10:00', ['b']), slot('2027-03-01 11:00', ['a'])];
    const plans = planSeries(base({ protocol: sameDay, candidates }));
    expect(plans.map((p) => dates(p))).toEqual([['2027-03-01 09:00', '2027-03-01 11:00']]);
  });

  it('keeps a chair time that runs past midnight clear of a visit early the next date', () => {
    const nextDay = customProtocol({ visitCount: 2, minGapDays: 1 });
    const candidates = [slot('2027-03-01 07:00', ['a']), slot('2027-03-01 23:30', ['a']), slot('2027-03-02 00:30', ['a'])];
    const plans = planSeries(base({ protocol: nextDay, candidates }));
    expect(plans.map((p) => dates(p))).toEqual([['2027-03-01 07:00', '2027-03-02 00:30']]);
  });

  it('plans the supervised lozenge dose as one visit', () => {
    const [plan] = planSeries(base({ protocol: protocol('lozenge-home'), limit: 1 }));
    expect(dates(plan)).toEqual(['2027-03-01 08:00']);
  });

  it('never starts before earliestStart', () => {
    const plans = planSeries(base({ earliestStart: at('2027-03-03 08:30') }));
    expect(dates(plans[0])[0]).toBe('2027-03-03 09:00');
  });

  it('gives the same plans for the same candidates in any order', () => {
    const input = base({ limit: 10 });
    const shuffled = { ...input, candidates: [...input.candidates].reverse() };
    expect(planSeries(shuffled)).toEqual(planSeries(input));
  });

  it.each([
    [{ limit: 0 }, 'limit'],
    [{ limit: 21 }, 'limit'],
    [{ limit: 2.5 }, 'limit'],
    [{ preferences: { weekdays: [] } }, 'preferences.weekdays'],
    [{ preferences: { weekdays: [0] } }, 'preferences.weekdays[0]'],
    [{ preferences: { timeWindows: [] } }, 'preferences.timeWindows'],
    [{ preferences: { timeWindows: [{ from: '9:00', to: '12:00' }] } }, 'preferences.timeWindows[0]'],
    [
      {
        preferences: {
          timeWindows: [
            { from: '08:00', to: '12:00' },
            { from: '14:00', to: '13:00' },
          ],
        },
      },
      'preferences.timeWindows[1]',
    ],
    [{ preferences: { timeWindows: [{ from: '10:00', to: '10:00' }] } }, 'preferences.timeWindows[0]'],
    [{ zone: 'Nowhere/City' }, 'zone'],
    [{ earliestStart: Number.NaN }, 'earliestStart'],
    [{ candidates: [{ start: 10, end: 5, chairReleasedAt: 20, chairIds: ['a'] }] }, 'candidates[0]'],
  ] as [Partial<PlanInput>, string][])('refuses %j with a validation error at %s', (over, path) => {
    let error: unknown;
    try {
      planSeries(base(over));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'validation', details: { path } });
  });

  it('accepts a window that ends at 24:00', () => {
    const plans = planSeries(base({ preferences: { timeWindows: [{ from: '12:00', to: '24:00' }] }, limit: 1 }));
    expect(dates(plans[0])[0]).toBe('2027-03-01 13:00');
  });
});
