import fc from 'fast-check';
import { DateTime } from 'luxon';
import { validateProtocolRules } from '../protocols/protocol-rules';
import type { ProtocolRules } from '../protocols/protocol.types';
import { validateSeries } from '../protocols/series-validator';
import { allValidPlans, oraclePlans } from './plan.oracle';
import { parsePlanInput } from './plan-input';
import { searchPlans } from './plan-search';
import { planSeries } from './plan-series';
import { customProtocol, protocol } from './planning.fixtures';
import type { CandidateSlot, PlanInput, TimeWindow } from './planning.types';
import { buildSearchSpace } from './search-space';
import { stepRules } from './series-steps';

/**
 * planSeries against the brute-force oracle on small random clinics: 1–2 chairs, up to 10 days
 * (14 for the full IV induction), random candidate sets, the IV induction or a random smaller
 * protocol, around the 2027 daylight-saving changes of New York and Berlin.
 */

const MINUTE = 60_000;
const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin'];
const FIRST_DATES = ['2027-03-10', '2027-03-25', '2027-10-28', '2027-11-04', '2027-06-07'];
// 23:30 chair times run past midnight into a 00:30 start on the next date (the planner's slots mode).
const TIMES = ['00:30', '07:00', '08:00', '09:30', '13:00', '23:30'];

/** A rule present about one time in three, so that random combinations stay satisfiable often enough. */
const sometimes = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: arb, weight: 1 });

const rulesArb: fc.Arbitrary<ProtocolRules> = fc
  .record({
    visitCount: fc.integer({ min: 2, max: 4 }),
    minGapDays: sometimes(fc.constantFrom(0, 1, 2)),
    maxPerIsoWeek: sometimes(fc.integer({ min: 2, max: 3 })),
    maxSpanDays: sometimes(fc.integer({ min: 1, max: 6 })),
    repeat: sometimes(
      fc
        .record({
          windowMinDays: fc.integer({ min: 0, max: 2 }),
          extra: fc.integer({ min: 0, max: 3 }),
          at: fc.integer({ min: 0, max: 3 }),
        })
        .map(({ windowMinDays, extra, at }) => ({
          windowMinDays,
          windowMaxDays: windowMinDays + extra,
          intervalDays: windowMinDays + Math.min(at, extra),
        })),
    ),
    phases: sometimes(fc.constant(true)),
  })
  .map(({ phases, ...r }) => {
    const rules: ProtocolRules = JSON.parse(JSON.stringify(r)); // drops the absent rules
    // Phases pin visits to course weeks: week 1 holds visitCount − 1, week 2 the last one.
    if (phases)
      rules.phases = [
        { fromWeek: 1, toWeek: 1, visitsPerWeek: r.visitCount - 1 },
        { fromWeek: 2, toWeek: 2, visitsPerWeek: 1 },
      ];
    return rules;
  })
  .filter((r) => validateProtocolRules(r).length === 0);

interface Instance {
  input: PlanInput;
}

const instanceArb: fc.Arbitrary<Instance> = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    firstDate: fc.constantFrom(...FIRST_DATES),
    chairs: fc.constantFrom<string[]>(['a'], ['a', 'b']),
    custom: fc.option(rulesArb, { freq: 5, nil: null }),
    limit: fc.integer({ min: 1, max: 5 }),
    weekdays: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 3, maxLength: 7 }), { freq: 4, nil: undefined }),
    windows: fc.option(
      fc.constantFrom<TimeWindow[]>(
        [{ from: '07:00', to: '10:00' }],
        [
          { from: '09:00', to: '24:00' },
          { from: '07:00', to: '09:00' },
        ],
      ),
      { freq: 4, nil: undefined },
    ),
    sameTimeOfDay: fc.boolean(),
    anchorDaysBefore: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    earliestOffsetMin: fc.constantFrom(0, 0, 8 * 60, 30 * 60),
    seed: fc.array(
      fc.tuple(
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: TIMES.length - 1 }),
        fc.subarray(['a', 'b'], { minLength: 1 }),
        fc.nat(40),
      ),
      {
        minLength: 6,
        maxLength: 40,
      },
    ),
  })
  .map((r) => {
    const p = r.custom ? customProtocol(r.custom) : protocol('iv-induction');
    const days = r.custom ? 10 : 14;
    const first = DateTime.fromISO(r.firstDate, { zone: r.zone });
    const candidates: CandidateSlot[] = [];
    const seen = new Set<string>();
    for (const [day, t, chairIds, frag] of r.seed) {
      if (day >= days || seen.has(`${day}/${t}`)) continue;
      seen.add(`${day}/${t}`);
      const [h, m] = TIMES[t].split(':').map(Number);
      const start = first.plus({ days: day }).set({ hour: h, minute: m }).toMillis();
      const ids = chairIds.filter((c) => r.chairs.includes(c)).sort();
      if (ids.length === 0) continue;
      candidates.push({
        start,
        end: start + 80 * MINUTE,
        chairReleasedAt: start + 90 * MINUTE,
        chairIds: ids,
        fragmentation: Object.fromEntries(ids.map((c, i) => [c, (frag >> i) % 20])),
      });
    }
    const input: PlanInput = {
      protocol: p,
      zone: r.zone,
      earliestStart: first.toMillis() + r.earliestOffsetMin * MINUTE,
      candidates,
      limit: r.limit,
      preferences: { weekdays: r.weekdays, timeWindows: r.windows, sameTimeOfDay: r.sameTimeOfDay },
      anchor: r.anchorDaysBefore === undefined ? undefined : first.minus({ days: r.anchorDaysBefore }).set({ hour: 10 }).toMillis(),
    };
    return { input };
  });

describe('planSeries properties', () => {
  it('(a) every plan validates, uses offered slots and chairs, keeps to the filters; totals never decrease', () => {
    fc.assert(
      fc.property(instanceArb, ({ input }) => {
        const plans = planSeries(input);
        plans.forEach((p, i) => i > 0 && expect(p.score.total).toBeGreaterThanOrEqual(plans[i - 1].score.total));
        for (const plan of plans) {
          expect(validateSeries(input.protocol, plan.visits, input.zone, { anchor: input.anchor })).toEqual([]);
          plan.visits.forEach((v, i) => {
            const c = input.candidates.find((x) => x.start === v.start && x.chairIds.includes(v.chairId));
            expect(c).toMatchObject({ end: v.end, chairReleasedAt: v.chairReleasedAt });
            expect(v.start).toBeGreaterThanOrEqual(input.earliestStart);
            if (i > 0) expect(v.start).toBeGreaterThanOrEqual(plan.visits[i - 1].chairReleasedAt);
            const wd = DateTime.fromMillis(v.start, { zone: input.zone }).weekday;
            if (input.preferences?.weekdays) expect(input.preferences.weekdays).toContain(wd);
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('(a) the search itself builds only valid plans (planSeries filters again; this checks it never has to)', () => {
    fc.assert(
      fc.property(instanceArb, ({ input }) => {
        const prefs = parsePlanInput(input);
        const space = buildSearchSpace({ ...input, prefs });
        const found = searchPlans(stepRules(input.protocol, space), space, { limit: input.limit, sameTimeOfDay: prefs.sameTimeOfDay });
        for (const f of found) {
          const visits = f.picks.map((p, i) => ({ sequence: i + 1, start: p.start }));
          expect(validateSeries(input.protocol, visits, input.zone, { anchor: input.anchor })).toEqual([]);
          f.picks.forEach((p, i) => i > 0 && expect(p.start).toBeGreaterThanOrEqual(f.picks[i - 1].released));
        }
        expect(planSeries(input)).toHaveLength(found.length);
      }),
      { numRuns: 300 },
    );
  });

  it('(b) finds a plan whenever brute force does, with the least completion, and exactly its best plans', () => {
    let withPlans = 0;
    fc.assert(
      fc.property(instanceArb, ({ input }) => {
        const plans = planSeries(input);
        const all = allValidPlans(input);
        expect(plans.length > 0).toBe(all.length > 0);
        if (all.length === 0) return;
        withPlans++;
        const sameTime = input.preferences?.sameTimeOfDay;
        const lastMinute = (ps: { start: number }[]) =>
          DateTime.fromMillis(ps[ps.length - 1].start, { zone: input.zone }).toFormat('HH:mm');
        const allSame = (ps: { start: number }[]) =>
          ps.every((p) => DateTime.fromMillis(p.start, { zone: input.zone }).toFormat('HH:mm') === lastMinute(ps));
        // Among plans of the first tier (same-time ones, when asked for), the soonest end.
        const tier = sameTime && all.some(allSame) ? all.filter(allSame) : all;
        if (!input.protocol.rules.repeat) {
          expect(plans[0].score.completesAt).toBe(Math.min(...tier.map((ps) => ps[ps.length - 1].end)));
        }
        const expected = oraclePlans(input).map((o) => o.picks.map((p) => [p.start, p.chairId]));
        expect(plans.map((p) => p.visits.map((v) => [v.start, v.chairId]))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
    // The generator must exercise the interesting case, not just empty instances.
    expect(withPlans).toBeGreaterThan(40);
  });

  it('(c) is deterministic: same plans again, and for the candidates in any order', () => {
    fc.assert(
      fc.property(instanceArb, fc.infiniteStream(fc.nat()), ({ input }, noise) => {
        const first = planSeries(input);
        expect(planSeries(input)).toEqual(first);
        const keys = input.candidates.map(() => noise.next().value);
        const shuffled = input.candidates
          .map((c, i) => ({ c, k: keys[i] }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.c);
        expect(planSeries({ ...input, candidates: shuffled })).toEqual(first);
      }),
      { numRuns: 150 },
    );
  });
  it('(d) never puts a visit over the patient’s other visits, and loses only plans that touched them', () => {
    let affected = 0;
    fc.assert(
      fc.property(
        instanceArb,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 13 * 24 * 60 }), fc.integer({ min: 15, max: 600 })), { minLength: 1, maxLength: 12 }),
        ({ input }, spans) => {
          const first = input.earliestStart;
          const busy = spans.map(([at, minutes]) => ({ start: first + at * MINUTE, end: first + (at + minutes) * MINUTE }));
          const overlaps = (v: { start: number; end: number }) => busy.some((b) => b.start < v.end && v.start < b.end);
          const plans = planSeries({ ...input, busy });
          for (const plan of plans) for (const v of plan.visits) expect(overlaps(v)).toBe(false);
          // The same as planning over the candidates that stay clear of them: busy is a filter, nothing more.
          expect(plans).toEqual(planSeries({ ...input, candidates: input.candidates.filter((c) => !overlaps(c)) }));
          if (planSeries(input).some((p) => p.visits.some(overlaps))) affected++;
        },
      ),
      { numRuns: 300 },
    );
    expect(affected).toBeGreaterThan(10);
  });
});
