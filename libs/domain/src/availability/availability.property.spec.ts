import fc from 'fast-check';
import {
  addDate,
  oracleCapacity,
  oracleCheck,
  oracleGrid,
  oracleOpenIntervals,
  oracleRepeatedGridInstants,
  type OracleVerdict,
} from './availability.oracle';
import { capacitySummary } from './capacity-summary';
import type { ActiveBooking, ClinicCapacity, Closure, StaffShift, VisitKindSpec } from './availability.types';
import { checkStart, startCheckWindow } from './check-start';
import { computeAvailability } from './compute-availability';

/**
 * computeAvailability and checkStart against the brute-force oracle on random small clinics
 * around the 2027 daylight-saving changes of New York and Berlin (and in UTC).
 */

const MINUTE = 60_000;
const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin'];
// Both transition days of both zones, the days around them, and an ordinary week.
const FIRST_DATES = [
  '2027-03-13',
  '2027-03-14',
  '2027-03-27',
  '2027-03-28',
  '2027-10-30',
  '2027-10-31',
  '2027-11-06',
  '2027-11-07',
  '2027-06-07',
];
const CAPABILITIES = ['iv', 'im', 'sp'];

interface Scenario {
  capacity: ClinicCapacity;
  kind: VisitKindSpec;
  fromDate: string;
  toDate: string;
  now: number;
  /** Minute-aligned instants to probe checkStart with, on or off the grid. */
  probes: number[];
}

const hhmm = (m: number) => (m === 1440 ? '24:00' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
const minutes = (min: number, max: number) => fc.integer({ min, max }).map((m) => m * MINUTE);

const kindArb: fc.Arbitrary<VisitKindSpec> = fc
  .record({
    needsChair: fc.boolean(),
    needsClinician: fc.boolean(),
    capability: fc.constantFrom<string | null>('iv', 'im', 'sp', null),
    prepMinutes: fc.constantFrom(0, 5, 10),
    treatmentMinutes: fc.integer({ min: 1, max: 60 }),
    recoveryMinutes: fc.constantFrom(0, 15, 30),
    turnoverMinutes: fc.constantFrom(0, 5, 10),
  })
  .map((k) => ({ key: 'random', ...k }));

const chairsArb = fc
  .uniqueArray(fc.constantFrom('c1', 'c2', 'c3', 'c4'), { minLength: 1, maxLength: 4 })
  .chain((ids) => fc.tuple(...ids.map((id) => fc.subarray(CAPABILITIES).map((capabilities) => ({ id, capabilities })))));

/** Opening hours, closures, chairs and staff; bookings are added once the open grid is known. */
function clinicArb(zone: string, dates: string[], instant: fc.Arbitrary<number>) {
  const weekdays = dates.map((d) => new Date(`${d}T00:00:00Z`).getUTCDay() || 7);
  // Boundaries on 5-minute marks, often in the small hours where the clocks change.
  const wall = fc.oneof(fc.integer({ min: 0, max: 84 }), fc.integer({ min: 0, max: 288 })).map((f) => f * 5);
  const hours = fc
    .record({ weekday: fc.oneof(fc.constantFrom(...weekdays), fc.integer({ min: 1, max: 7 })), a: wall, b: wall })
    .filter(({ a, b }) => a !== b)
    .map(({ weekday, a, b }) => ({ weekday, opens: hhmm(Math.min(a, b)), closes: hhmm(Math.max(a, b)) }));
  const shift = (role: 'nurse' | 'clinician', id: string): fc.Arbitrary<StaffShift> =>
    fc.record({ start: instant, length: minutes(60, 30 * 60) }).map(({ start, length }) => ({ id, role, start, end: start + length }));
  const shifts = fc
    .tuple(fc.constantFrom(0, 1, 1, 2, 3), fc.integer({ min: 0, max: 2 }))
    .chain(([n, c]) =>
      fc.tuple(
        ...Array.from({ length: n }, (_, i) => shift('nurse', `n${i}`)),
        ...Array.from({ length: c }, (_, i) => shift('clinician', `k${i}`)),
      ),
    );
  const closure = fc
    .tuple(fc.constantFrom(...dates), fc.constantFrom(...dates))
    .map(([a, b]) => (a <= b ? { startDate: a, endDate: b } : { startDate: b, endDate: a }));
  return fc.record({
    zone: fc.constant(zone),
    slotMinutes: fc.constantFrom(5, 10, 15, 15, 20, 30, 60),
    nurseRatio: fc.constantFrom(0, 1, 2, 3, 4, 4),
    weeklyHours: fc.array(hours, { minLength: 1, maxLength: 5 }),
    closures: fc.oneof(
      { weight: 4, arbitrary: fc.constant<Closure[]>([]) },
      { weight: 1, arbitrary: fc.tuple(closure).map((c): Closure[] => c) },
    ),
    chairs: chairsArb,
    shifts,
  });
}

/** Bookings and blocks, many starting on open grid starts so that they collide with queries. */
function loadArb(clinic: Omit<ClinicCapacity, 'bookings' | 'chairBlocks'>, dates: string[], instant: fc.Arbitrary<number>) {
  const openStarts = oracleGrid({ ...clinic, bookings: [], chairBlocks: [] }, dates[0], dates[dates.length - 1])
    .filter((g) =>
      oracleOpenIntervals({ ...clinic, bookings: [], chairBlocks: [] }, g.date).some((i) => i.start <= g.start && g.start < i.end),
    )
    .map((g) => g.start);
  // A few busy instants many visits start at, so that the stagger rule bites.
  const hot = openStarts.filter((_, i) => i % 17 === 5).slice(0, 3);
  const start =
    openStarts.length > 0
      ? fc.oneof(instant, fc.constantFrom(...openStarts), ...(hot.length > 0 ? [fc.constantFrom(...hot), fc.constantFrom(...hot)] : []))
      : instant;
  const chairIds = clinic.chairs.map((c) => c.id);
  const clinicianIds = clinic.shifts.filter((s) => s.role === 'clinician').map((s) => s.id);
  const booking = fc
    .record({
      chairId: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...chairIds) }, { weight: 1, arbitrary: fc.constant(null) }),
      clinicianShiftId: clinicianIds.length > 0 ? fc.option(fc.constantFrom(...clinicianIds)) : fc.constant(null),
      start,
      visit: minutes(5, 150),
      turnover: minutes(0, 20),
    })
    .map(({ visit, turnover, ...b }) => ({ ...b, end: b.start + visit, chairReleasedAt: b.start + visit + turnover }));
  const block = fc
    .record({ chairId: fc.constantFrom(...chairIds), start, length: minutes(5, 240) })
    .map(({ chairId, start: from, length }) => ({ chairId, start: from, end: from + length }));
  return fc.record({
    chairBlocks: fc.array(block, { maxLength: 3 }),
    bookings: fc.array(booking, { maxLength: 16 }).map((bs): ActiveBooking[] => bs.map((b, i) => ({ id: `b${i}`, ...b }))),
    probes: fc.array(fc.oneof(instant, start), { maxLength: 10 }),
  });
}

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({ zone: fc.constantFrom(...ZONES), fromDate: fc.constantFrom(...FIRST_DATES), days: fc.integer({ min: 1, max: 3 }) })
  .chain(({ zone, fromDate, days }) => {
    const dates = Array.from({ length: days }, (_, i) => addDate(fromDate, i));
    // Every instant a local date of the range can hold, with a margin for visits that spill over.
    const windowStart = Date.parse(`${fromDate}T00:00:00Z`) - 16 * 60 * MINUTE;
    const instant = fc.integer({ min: 0, max: (days * 24 + 30) * 60 }).map((m) => windowStart + m * MINUTE);
    return fc
      .record({
        clinic: clinicArb(zone, dates, instant),
        kind: kindArb,
        now: fc.oneof({ weight: 3, arbitrary: fc.constant(windowStart) }, { weight: 1, arbitrary: instant }),
      })
      .chain(({ clinic, kind, now }) =>
        loadArb(clinic, dates, instant).map(({ chairBlocks, bookings, probes }) => ({
          capacity: { ...clinic, chairBlocks, bookings },
          kind,
          fromDate,
          toDate: dates[dates.length - 1],
          now,
          probes,
        })),
      );
  });

/** The comparable part of a checkStart answer. */
function verdictOf(capacity: ClinicCapacity, kind: VisitKindSpec, start: number, now: number, chairId?: string) {
  const result = checkStart(capacity, kind, start, now, chairId);
  return result.ok
    ? { ok: true, chairIds: result.chairIds, clinicianShiftIds: result.clinicianShiftIds }
    : { ok: false, reason: result.reason };
}

function comparable(verdict: OracleVerdict) {
  return verdict.ok
    ? { ok: true, chairIds: verdict.chairIds, clinicianShiftIds: verdict.clinicianShiftIds }
    : { ok: false, reason: verdict.reason };
}

const ALL_REFUSALS = [
  'past',
  'off-grid',
  'closed',
  'outside-hours',
  'no-capable-chair',
  'chair-blocked',
  'chair-busy',
  'nurse-capacity',
  'stagger',
  'no-clinician',
];

describe('availability against the brute-force oracle', () => {
  it('computeAvailability offers exactly the oracle slots, and checkStart agrees start by start', () => {
    let slotsSeen = 0;
    const refusalsSeen = new Set<string>();
    fc.assert(
      fc.property(scenarioArb, ({ capacity, kind, fromDate, toDate, now, probes }) => {
        const grid = oracleGrid(capacity, fromDate, toDate);
        const verdicts = grid.map((g) => ({ g, verdict: oracleCheck(capacity, kind, g, now) }));
        const expected = verdicts.flatMap(({ g, verdict }) =>
          verdict.ok
            ? [
                {
                  start: g.start,
                  chairIds: verdict.chairIds,
                  clinicianShiftIds: verdict.clinicianShiftIds,
                  fragmentation: verdict.fragmentation,
                },
              ]
            : [],
        );

        const slots = computeAvailability(capacity, { kind, fromDate, toDate, now });
        expect(
          slots.map(({ start, chairIds, clinicianShiftIds, fragmentation }) => ({ start, chairIds, clinicianShiftIds, fragmentation })),
        ).toEqual(expected);
        const visit = (kind.prepMinutes + kind.treatmentMinutes + kind.recoveryMinutes) * MINUTE;
        for (const s of slots) {
          expect(s.end - s.start).toBe(visit);
          expect(s.chairReleasedAt - s.end).toBe(kind.turnoverMinutes * MINUTE);
        }
        slotsSeen += slots.length;

        // checkStart at every offered start and every start refused for lack of a resource, plus
        // a sample of the (many, cheap) past / closed / outside-hours ones, with the oracle's reason.
        const resourceRefusal = (v: OracleVerdict) => !v.ok && !['past', 'closed', 'outside-hours'].includes(v.reason);
        const checked = verdicts.filter((v, i) => v.verdict.ok || resourceRefusal(v.verdict) || i % 5 === 0);
        for (const { g, verdict } of checked) {
          expect(verdictOf(capacity, kind, g.start, now)).toEqual(comparable(verdict));
          if (!verdict.ok) refusalsSeen.add(verdict.reason);
        }
        // Naming each chair (and an unknown one), at the offered starts and some refused ones.
        if (kind.needsChair) {
          const named = [...verdicts.filter((v) => v.verdict.ok), ...verdicts.filter((v) => resourceRefusal(v.verdict)).slice(0, 24)];
          for (const { g } of named) {
            for (const chair of [...capacity.chairs.map((c) => c.id), 'unknown']) {
              const verdict = oracleCheck(capacity, kind, g, now, chair);
              expect(verdictOf(capacity, kind, g.start, now, chair)).toEqual(comparable(verdict));
              if (!verdict.ok) refusalsSeen.add(verdict.reason);
            }
          }
        }
        // Probes from the day before to the day after the range: a grid start gets the oracle's
        // verdict, any other instant is refused as past or off-grid.
        const wideGrid = oracleGrid(capacity, addDate(fromDate, -1), addDate(toDate, 1));
        const repeats = oracleRepeatedGridInstants(capacity, fromDate, toDate);
        for (const probe of [...probes, ...probes.map((p) => p + MINUTE), ...repeats]) {
          const onGrid = wideGrid.find((g) => g.start === probe);
          const verdict = onGrid
            ? comparable(oracleCheck(capacity, kind, onGrid, now))
            : { ok: false, reason: probe < now ? 'past' : 'off-grid' };
          expect(verdictOf(capacity, kind, probe, now)).toEqual(verdict);
          if (!verdict.ok) refusalsSeen.add(verdict.reason as string);
        }
      }),
      { numRuns: 500 },
    );
    // The generators must reach every rule, or passing proves little.
    expect(slotsSeen).toBeGreaterThan(1000);
    expect([...refusalsSeen].sort()).toEqual([...ALL_REFUSALS].sort());
  });

  it('checkStart answers the same from only the rows overlapping startCheckWindow (what a booking loads and locks)', () => {
    let checks = 0;
    fc.assert(
      fc.property(scenarioArb, ({ capacity, kind, fromDate, toDate, now, probes }) => {
        const starts = [...oracleGrid(capacity, fromDate, toDate).map((g) => g.start), ...probes];
        for (const start of starts) {
          const w = startCheckWindow(kind, start);
          const overlaps = (from: number, to: number) => from < w.end && w.start < to;
          const windowed: ClinicCapacity = {
            ...capacity,
            shifts: capacity.shifts.filter((x) => overlaps(x.start, x.end)),
            chairBlocks: capacity.chairBlocks.filter((x) => overlaps(x.start, x.end)),
            // As loaded: a visit by its chair time.
            bookings: capacity.bookings.filter((x) => overlaps(x.start, x.chairReleasedAt)),
          };
          for (const chair of [undefined, ...capacity.chairs.map((c) => c.id)]) {
            expect(verdictOf(windowed, kind, start, now, chair)).toEqual(verdictOf(capacity, kind, start, now, chair));
            checks++;
          }
        }
      }),
      { numRuns: 300 },
    );
    expect(checks).toBeGreaterThan(10_000);
  });

  it('capacitySummary counts the same open and booked chair minutes as the oracle', () => {
    fc.assert(
      fc.property(scenarioArb, ({ capacity, fromDate, toDate }) => {
        const expected = oracleCapacity(capacity, fromDate, toDate);
        const summary = capacitySummary(capacity, fromDate, toDate);
        expect({ openChairMinutes: summary.openChairMinutes, bookedChairMinutes: summary.bookedChairMinutes }).toEqual(expected);
        expect(summary.utilization).toBeCloseTo(
          expected.openChairMinutes > 0 ? expected.bookedChairMinutes / expected.openChairMinutes : 0,
          12,
        );
      }),
      { numRuns: 200 },
    );
  });
});
