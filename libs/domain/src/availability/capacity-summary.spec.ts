import { at, booking, clinic } from './availability.fixtures';
import fc from 'fast-check';
import { capacitySummary, utilizationByHour } from './capacity-summary';

const MONDAY = '2027-03-01';

describe('capacitySummary', () => {
  const chairs = ['c1', 'c2'].map((id) => ({ id, capabilities: ['iv-infusion'] }));

  it('counts open chair minutes in opening hours, minus blocks, and booked chair time clipped to them', () => {
    const capacity = clinic({
      chairs,
      chairBlocks: [{ chairId: 'c1', start: at(MONDAY, '07:00'), end: at(MONDAY, '09:00') }],
      bookings: [
        // 08:30–10:00 on c1: the blocked half hour does not count as booked.
        booking('b1', 'c1', at(MONDAY, '08:30')),
        // 16:30–18:00 on c2: only the 30 minutes before closing count.
        booking('b2', 'c2', at(MONDAY, '16:30')),
        // Consults hold no chair.
        {
          id: 'k',
          chairId: null,
          clinicianShiftId: 'k1',
          start: at(MONDAY, '09:00'),
          end: at(MONDAY, '10:00'),
          chairReleasedAt: at(MONDAY, '10:00'),
        },
      ],
    });
    expect(capacitySummary(capacity, MONDAY, MONDAY)).toEqual({
      openChairMinutes: 2 * 480 - 60,
      bookedChairMinutes: 60 + 30,
      utilization: 90 / 900,
    });
  });

  it('counts overlapping weekly intervals and overlapping bookings once', () => {
    const capacity = clinic({
      weeklyHours: [
        { weekday: 1, opens: '08:00', closes: '12:00' },
        { weekday: 1, opens: '10:00', closes: '14:00' },
      ],
      bookings: [booking('b1', 'c1', at(MONDAY, '09:00')), booking('b2', 'c1', at(MONDAY, '10:00'))],
    });
    // Open 08:00–14:00; booked 09:00–11:30.
    expect(capacitySummary(capacity, MONDAY, MONDAY)).toEqual({
      openChairMinutes: 360,
      bookedChairMinutes: 150,
      utilization: 150 / 360,
    });
  });

  it('leaves out closed dates and dates outside the range', () => {
    const capacity = clinic({
      weeklyHours: [1, 2, 3].map((weekday) => ({ weekday, opens: '08:00', closes: '10:00' })),
      closures: [{ startDate: '2027-03-02', endDate: '2027-03-02' }],
      bookings: [booking('b1', 'c1', at('2027-03-02', '08:00')), booking('b2', 'c1', at('2027-03-03', '08:00'))],
    });
    expect(capacitySummary(capacity, MONDAY, '2027-03-03')).toEqual({
      openChairMinutes: 240,
      bookedChairMinutes: 90,
      utilization: 90 / 240,
    });
    expect(capacitySummary(capacity, '2027-03-02', '2027-03-02')).toEqual({
      openChairMinutes: 0,
      bookedChairMinutes: 0,
      utilization: 0,
    });
  });

  it.each([
    ['America/New_York', '2027-03-14', 300],
    ['America/New_York', '2027-11-07', 420],
    ['Europe/Berlin', '2027-03-28', 300],
    ['Europe/Berlin', '2027-10-31', 420],
    ['UTC', '2027-03-14', 360],
  ])('%s %s: 00:00–06:00 holds %i real minutes', (zone, date, minutes) => {
    const capacity = clinic({ zone, weeklyHours: [{ weekday: 7, opens: '00:00', closes: '06:00' }], shifts: [] });
    expect(capacitySummary(capacity, date, date).openChairMinutes).toBe(minutes);
  });
});

describe('utilizationByHour', () => {
  it('splits open and booked chair time by local weekday and hour', () => {
    // Monday 08:00–12:00 and 13:00–17:00 (the fixture clinic), one chair; a visit 09:30–11:00.
    const capacity = clinic({ bookings: [booking('b1', 'c1', at(MONDAY, '09:30'))] });
    const cells = utilizationByHour(capacity, MONDAY, '2027-03-14');
    expect(cells.map((c) => c.hour)).toEqual([8, 9, 10, 11, 13, 14, 15, 16]);
    expect(cells.every((c) => c.weekday === 1)).toBe(true);
    // Two Mondays in the range: each hour is open 120 chair minutes.
    expect(cells.find((c) => c.hour === 9)).toEqual({
      weekday: 1,
      hour: 9,
      openChairMinutes: 120,
      bookedChairMinutes: 30,
      utilization: 0.25,
    });
    expect(cells.find((c) => c.hour === 10)).toMatchObject({ bookedChairMinutes: 60, utilization: 0.5 });
    expect(cells.find((c) => c.hour === 11)).toMatchObject({ bookedChairMinutes: 0 });
  });

  it('reads hours on the clinic clock across a DST change', () => {
    const zone = 'America/New_York';
    const capacity = clinic({
      zone,
      weeklyHours: [{ weekday: 7, opens: '00:00', closes: '04:00' }],
      shifts: [],
    });
    // Sunday 2027-03-14, clocks spring forward at 02:00: 01:00 and 03:00 open, 02:00 never happens.
    expect(utilizationByHour(capacity, '2027-03-14', '2027-03-14').map((c) => [c.hour, c.openChairMinutes])).toEqual([
      [0, 60],
      [1, 60],
      [3, 60],
    ]);
  });

  it('adds up to the capacity summary of the same dates', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ chair: fc.constantFrom('c1', 'c2'), minute: fc.integer({ min: 0, max: 24 * 60 * 7 - 1 }) }), {
          maxLength: 12,
        }),
        (visits) => {
          const start = at(MONDAY, '00:00');
          const capacity = clinic({
            chairs: ['c1', 'c2'].map((id) => ({ id, capabilities: ['iv-infusion'] })),
            weeklyHours: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '07:00', closes: '19:00' })),
            bookings: visits.map((v, i) => booking(`b${i}`, v.chair, start + v.minute * 60_000)),
          });
          const cells = utilizationByHour(capacity, MONDAY, '2027-03-07');
          const total = capacitySummary(capacity, MONDAY, '2027-03-07');
          const sum = (f: (c: (typeof cells)[number]) => number) => cells.reduce((a, c) => a + f(c), 0);
          expect(sum((c) => c.openChairMinutes)).toBeCloseTo(total.openChairMinutes, 6);
          expect(sum((c) => c.bookedChairMinutes)).toBeCloseTo(total.bookedChairMinutes, 6);
          for (const c of cells) expect(c.utilization).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 100 },
    );
  });
});
