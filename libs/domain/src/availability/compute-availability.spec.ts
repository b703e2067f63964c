import { DomainError } from '../shared/domain-error';
import { instantToLocal } from '../time/local-time';
import { IV, INTAKE, MINUTE, at, booking, clinic } from './availability.fixtures';
import type { ClinicCapacity, Slot, VisitKindSpec } from './availability.types';
import { computeAvailability } from './compute-availability';
import { visitTimes } from './visit-times';

const MONDAY = '2027-03-01';
const EARLY = at('2027-01-01', '00:00');

function slotsOf(capacity: ClinicCapacity, kind: VisitKindSpec = IV, fromDate = MONDAY, toDate = fromDate, now = EARLY) {
  return computeAvailability(capacity, { kind, fromDate, toDate, now });
}

/** 'HH:mm' of each slot start on the clinic's wall clock. */
function times(slots: Slot[], zone = 'UTC'): string[] {
  return slots.map((s) => instantToLocal(s.start, zone).time);
}

/** 'HH:mm' wall times from `from` to `to` inclusive every `step` minutes. */
function wallRange(from: string, to: string, step = 15): string[] {
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
  const out: string[] = [];
  for (let m = minutes(from); m <= minutes(to); m += step) {
    out.push(`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  }
  return out;
}

describe('visitTimes', () => {
  it('adds prep, treatment and recovery for end, turnover on top for chair release', () => {
    const start = at(MONDAY, '09:00');
    expect(visitTimes(IV, start)).toEqual({ start, end: start + 80 * MINUTE, chairReleasedAt: start + 90 * MINUTE });
  });

  it('refuses negative, fractional or empty durations', () => {
    expect(() => visitTimes({ ...IV, recoveryMinutes: -5 }, 0)).toThrow(DomainError);
    expect(() => visitTimes({ ...IV, prepMinutes: 2.5 }, 0)).toThrow(DomainError);
    expect(() => visitTimes({ ...IV, prepMinutes: 0, treatmentMinutes: 0, recoveryMinutes: 0, turnoverMinutes: 10 }, 0)).toThrow(
      DomainError,
    );
  });
});

describe('computeAvailability', () => {
  it('offers every grid start whose chair time fits one of two opening intervals', () => {
    const slots = slotsOf(clinic());
    expect(times(slots)).toEqual([...wallRange('08:00', '10:30'), ...wallRange('13:00', '15:30')]);
    expect(slots[0]).toEqual({
      start: at(MONDAY, '08:00'),
      end: at(MONDAY, '09:20'),
      chairReleasedAt: at(MONDAY, '09:30'),
      chairIds: ['c1'],
      clinicianShiftIds: [],
      fragmentation: { c1: 0 },
    });
  });

  it('does not let a chair time bridge two intervals that touch', () => {
    const slots = slotsOf(
      clinic({
        weeklyHours: [
          { weekday: 1, opens: '08:00', closes: '12:00' },
          { weekday: 1, opens: '12:00', closes: '17:00' },
        ],
      }),
    );
    expect(times(slots)).not.toContain('11:00');
    expect(times(slots)).toContain('10:30');
    expect(times(slots)).toContain('12:00');
  });

  it('closes every date of a closure, both ends included', () => {
    const weekdays = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '08:00', closes: '10:00' }));
    const nurse = { id: 'n1', role: 'nurse' as const, start: at(MONDAY, '00:00'), end: at('2027-03-06', '00:00') };
    const capacity = clinic({
      weeklyHours: weekdays,
      shifts: [nurse],
      closures: [{ startDate: '2027-03-02', endDate: '2027-03-03' }],
    });
    const dates = new Set(slotsOf(capacity, IV, MONDAY, '2027-03-05').map((s) => instantToLocal(s.start, 'UTC').date));
    expect([...dates]).toEqual(['2027-03-01', '2027-03-04', '2027-03-05']);
  });

  it('keeps blocked chair time out and offers the other chair', () => {
    const capacity = clinic({
      chairs: [
        { id: 'c2', capabilities: ['iv-infusion'] },
        { id: 'c1', capabilities: ['iv-infusion', 'spravato'] },
      ],
      chairBlocks: [{ chairId: 'c1', start: at(MONDAY, '09:00'), end: at(MONDAY, '10:00') }],
    });
    const slots = slotsOf(capacity);
    const chairsAt = (t: string) => slots.find((s) => s.start === at(MONDAY, t))?.chairIds;
    expect(chairsAt('08:00')).toEqual(['c2']);
    expect(chairsAt('07:30')).toBeUndefined();
    expect(chairsAt('09:45')).toEqual(['c2']);
    expect(chairsAt('10:00')).toEqual(['c1', 'c2']);
  });

  it('only offers chairs with the capability', () => {
    const capacity = clinic({ chairs: [{ id: 'c1', capabilities: ['spravato'] }] });
    expect(slotsOf(capacity)).toEqual([]);
    expect(slotsOf(capacity, { ...IV, capability: null })).not.toEqual([]);
  });

  it('treats a booking as busy until chair release, and a flush next start as free', () => {
    const capacity = clinic({ bookings: [booking('b1', 'c1', at(MONDAY, '08:00'))] });
    expect(times(slotsOf(capacity)).slice(0, 2)).toEqual(['09:30', '09:45']);
  });

  it('bounds patients present by nurses × ratio, not counting turnover', () => {
    const capacity = clinic({
      slotMinutes: 5,
      nurseRatio: 1,
      chairs: [
        { id: 'c1', capabilities: ['iv-infusion'] },
        { id: 'c2', capabilities: ['iv-infusion'] },
      ],
      bookings: [booking('b1', 'c1', at(MONDAY, '08:00'))],
    });
    const slots = slotsOf(capacity);
    // The patient leaves at 09:20; c1 is cleaned until 09:30, but c2 can take the next patient.
    expect(slots[0]).toMatchObject({ start: at(MONDAY, '09:20'), chairIds: ['c2'] });
    expect(slots[2]).toMatchObject({ start: at(MONDAY, '09:30'), chairIds: ['c1', 'c2'] });
  });

  it('needs nurses on shift for the whole visit, not the turnover', () => {
    const capacity = clinic({
      shifts: [{ id: 'n1', role: 'nurse', start: at(MONDAY, '08:00'), end: at(MONDAY, '10:00') }],
    });
    expect(times(slotsOf(capacity))).toEqual(['08:00', '08:15', '08:30']);
  });

  it('scales capacity with the nurses on shift at each instant', () => {
    const three = ['c1', 'c2', 'c3'].map((id) => ({ id, capabilities: ['iv-infusion'] }));
    const bookings = [booking('b1', 'c1', at(MONDAY, '08:00')), booking('b2', 'c2', at(MONDAY, '08:15'))];
    const oneNurse = clinic({ nurseRatio: 2, chairs: three, bookings });
    expect(slotsOf(oneNurse).find((s) => s.start === at(MONDAY, '08:30'))).toBeUndefined();
    const twoNurses = clinic({
      nurseRatio: 2,
      chairs: three,
      bookings,
      shifts: [...oneNurse.shifts, { id: 'n2', role: 'nurse', start: at(MONDAY, '08:00'), end: at(MONDAY, '12:00') }],
    });
    expect(slotsOf(twoNurses).find((s) => s.start === at(MONDAY, '08:30'))?.chairIds).toEqual(['c3']);
  });

  it('staggers starts: at most one start per nurse on shift per instant', () => {
    const chairs = ['c1', 'c2'].map((id) => ({ id, capabilities: ['iv-infusion'] }));
    const bookings = [booking('b1', 'c1', at(MONDAY, '08:00'))];
    const oneNurse = clinic({ chairs, bookings });
    expect(times(slotsOf(oneNurse)).slice(0, 2)).toEqual(['08:15', '08:30']);
    const twoNurses = clinic({
      chairs,
      bookings,
      shifts: [...oneNurse.shifts, { id: 'n2', role: 'nurse', start: at(MONDAY, '07:00'), end: at(MONDAY, '18:00') }],
    });
    expect(times(slotsOf(twoNurses))[0]).toBe('08:00');
  });

  it('books consults on a free clinician covering the whole visit, without chair or nurse', () => {
    const capacity = clinic({
      chairs: [],
      shifts: [
        { id: 'k2', role: 'clinician', start: at(MONDAY, '10:00'), end: at(MONDAY, '17:00') },
        { id: 'k1', role: 'clinician', start: at(MONDAY, '08:00'), end: at(MONDAY, '12:00') },
      ],
      bookings: [booking('consult', null, at(MONDAY, '09:00'), INTAKE, 'k1')],
    });
    const slots = slotsOf(capacity, INTAKE);
    const at0800 = slots.find((s) => s.start === at(MONDAY, '08:00'));
    expect(at0800).toEqual({
      start: at(MONDAY, '08:00'),
      end: at(MONDAY, '09:00'),
      chairReleasedAt: at(MONDAY, '09:00'),
      chairIds: [],
      clinicianShiftIds: ['k1'],
      fragmentation: {},
    });
    expect(slots.find((s) => s.start === at(MONDAY, '08:15'))).toBeUndefined();
    expect(slots.find((s) => s.start === at(MONDAY, '10:00'))?.clinicianShiftIds).toEqual(['k1', 'k2']);
    // 11:15 would end after the 12:00 closing; after lunch only k2 is on shift.
    expect(slots.find((s) => s.start === at(MONDAY, '11:15'))).toBeUndefined();
    expect(slots.find((s) => s.start === at(MONDAY, '13:00'))?.clinicianShiftIds).toEqual(['k2']);
    expect(times(slots).at(-1)).toBe('16:00');
  });

  it('does not count consults toward nurse load', () => {
    const capacity = clinic({
      nurseRatio: 1,
      bookings: [booking('consult', null, at(MONDAY, '08:00'), INTAKE, 'k1')],
    });
    expect(times(slotsOf(capacity))[0]).toBe('08:00');
  });

  it('leaves out starts before now, keeping a start equal to now', () => {
    expect(times(slotsOf(clinic(), IV, MONDAY, MONDAY, at(MONDAY, '09:07')))[0]).toBe('09:15');
    expect(times(slotsOf(clinic(), IV, MONDAY, MONDAY, at(MONDAY, '09:15')))[0]).toBe('09:15');
  });

  it('reports stranded free minutes per chair', () => {
    const capacity = clinic({
      chairs: ['c1', 'c2'].map((id) => ({ id, capabilities: ['iv-infusion'] })),
      bookings: [booking('b1', 'c1', at(MONDAY, '08:00'))],
      shifts: ['n1', 'n2'].map((id) => ({ id, role: 'nurse' as const, start: at(MONDAY, '07:00'), end: at(MONDAY, '18:00') })),
    });
    const fragmentationAt = (t: string) => slotsOf(capacity).find((s) => s.start === at(MONDAY, t))?.fragmentation;
    // c1 is flush after its booking; 60 minutes before noon are too short for another 90.
    expect(fragmentationAt('09:30')).toEqual({ c1: 60, c2: 60 });
    expect(fragmentationAt('09:45')).toEqual({ c1: 15 + 45, c2: 45 });
    expect(fragmentationAt('10:30')).toEqual({ c1: 60, c2: 0 });
    expect(fragmentationAt('13:00')).toEqual({ c1: 0, c2: 0 });
  });

  describe('daylight-saving days', () => {
    const SHORT: VisitKindSpec = { ...IV, prepMinutes: 0, treatmentMinutes: 10, recoveryMinutes: 0, turnoverMinutes: 5 };
    const nightClinic = (zone: string, date: string): ClinicCapacity =>
      clinic({
        zone,
        weeklyHours: [{ weekday: 7, opens: '00:00', closes: '06:00' }],
        shifts: [{ id: 'n1', role: 'nurse', start: at(date, '00:00', zone) - 60 * MINUTE, end: at(date, '07:00', zone) }],
      });
    const gapCases = [
      ['America/New_York', '2027-03-14'],
      ['Europe/Berlin', '2027-03-28'],
    ];
    const repeatCases = [
      ['America/New_York', '2027-11-07', '01'],
      ['Europe/Berlin', '2027-10-31', '02'],
    ];

    it.each(gapCases)('%s %s: no slot in the spring-forward gap', (zone, date) => {
      const slots = slotsOf(nightClinic(zone, date), SHORT, date);
      const all = wallRange('00:00', '05:45');
      expect(times(slots, zone)).toEqual(all.filter((t) => !t.startsWith('02:')));
      expect(slots.every((s) => instantToLocal(s.start, zone).date === date)).toBe(true);
    });

    it.each(repeatCases)('%s %s: each repeated wall time offered once, at its earlier occurrence', (zone, date, hour) => {
      const slots = slotsOf(nightClinic(zone, date), SHORT, date);
      expect(times(slots, zone)).toEqual(wallRange('00:00', '05:45'));
      const first = slots.find((s) => instantToLocal(s.start, zone).time === `${hour}:00`)!;
      const next = slots.find((s) => instantToLocal(s.start, zone).time === `${Number(hour) + 1}:00`.padStart(5, '0'))!;
      // The clock repeats an hour, so the next wall-time start comes 120 real minutes later.
      expect(next.start - first.start).toBe(120 * MINUTE);
    });

    it.each([...gapCases, ...repeatCases])('%s %s: a visit across the change keeps its real minutes', (zone, date) => {
      const slots = slotsOf(nightClinic(zone, date), IV, date);
      expect(slots.length).toBeGreaterThan(0);
      for (const s of slots) {
        expect(s.end - s.start).toBe(80 * MINUTE);
        expect(s.chairReleasedAt - s.start).toBe(90 * MINUTE);
      }
      const crossing = slots.find((s) => instantToLocal(s.start, zone).time === (zone === 'America/New_York' ? '01:30' : '01:45'))!;
      const endWall = instantToLocal(crossing.end, zone).time;
      const shifted = { '2027-03-14': '03:50', '2027-03-28': '04:05', '2027-11-07': '01:50', '2027-10-31': '02:05' };
      expect(endWall).toBe(shifted[date as keyof typeof shifted]);
    });

    it('counts the last chair time against the real closing instant on a short day', () => {
      // 00:00–06:00 on the spring-forward day is 5 real hours: the last 90-minute start is 04:30.
      const slots = slotsOf(nightClinic('America/New_York', '2027-03-14'), IV, '2027-03-14');
      expect(times(slots, 'America/New_York').at(-1)).toBe('04:30');
    });
  });

  it('refuses bad input with coded validation errors', () => {
    const reasonOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as DomainError).details;
      }
      return null;
    };
    expect(reasonOf(() => slotsOf(clinic({ zone: 'Mars/Base' })))).toEqual({ path: 'zone', reason: 'invalid-zone' });
    expect(reasonOf(() => slotsOf(clinic(), IV, '2027-03-02', MONDAY))).toEqual({ path: 'toDate', reason: 'range-reversed' });
    expect(reasonOf(() => slotsOf(clinic({ weeklyHours: [{ weekday: 1, opens: '12:00', closes: '08:00' }] })))).toEqual({
      path: 'weeklyHours[0].closes',
      reason: 'closes-before-opens',
    });
    expect(reasonOf(() => slotsOf(clinic({ slotMinutes: 0 })))).toEqual({ path: 'slotMinutes', reason: 'invalid-slot-minutes' });
  });

  it('accepts 24:00 as closing time', () => {
    const capacity = clinic({
      weeklyHours: [{ weekday: 1, opens: '22:00', closes: '24:00' }],
      shifts: [{ id: 'n1', role: 'nurse', start: at(MONDAY, '20:00'), end: at('2027-03-02', '02:00') }],
    });
    expect(times(slotsOf(capacity))).toEqual(['22:00', '22:15', '22:30']);
  });
});
