import fc from 'fast-check';
import { DateTime } from 'luxon';
import { DomainError } from '../shared/domain-error';
import {
  addDays,
  daysBetween,
  instantToLocal,
  isoWeekday,
  isoWeekKey,
  isValidZone,
  isWallTimeInGap,
  localDateRange,
  localDayBounds,
  localDayStart,
  localToInstant,
  resolveLocalTime,
} from './local-time';

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const MINUTE = 60_000;
const utc = (iso: string) => Date.parse(iso);

/** Runs `fn` and returns the DomainError it throws, failing the test if it does not. */
function domainErrorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a DomainError');
}

describe('isValidZone', () => {
  it.each(['UTC', NY, BERLIN, 'Asia/Kolkata', 'America/Argentina/Buenos_Aires'])('accepts %s', (zone) => {
    expect(isValidZone(zone)).toBe(true);
  });

  it.each(['', 'Foo/Bar', 'UTC+3', '+03:00', '-05:00', 'America/Nowhere', ' UTC'])('refuses %j', (zone) => {
    expect(isValidZone(zone)).toBe(false);
  });
});

describe('localToInstant', () => {
  it('reads an ordinary wall time with the offset of that date', () => {
    expect(localToInstant('2027-01-15', '09:00', NY)).toBe(utc('2027-01-15T14:00:00Z'));
    expect(localToInstant('2027-07-15', '09:00', NY)).toBe(utc('2027-07-15T13:00:00Z'));
    expect(localToInstant('2027-07-15', '09:00', BERLIN)).toBe(utc('2027-07-15T07:00:00Z'));
    expect(localToInstant('2027-07-15', '09:00', 'UTC')).toBe(utc('2027-07-15T09:00:00Z'));
  });

  describe('America/New_York spring forward, 2027-03-14 02:00 → 03:00', () => {
    it('keeps the minutes on either side of the gap', () => {
      expect(localToInstant('2027-03-14', '01:59', NY)).toBe(utc('2027-03-14T06:59:00Z'));
      expect(localToInstant('2027-03-14', '03:00', NY)).toBe(utc('2027-03-14T07:00:00Z'));
    });

    it.each(['02:00', '02:30', '02:59'])('refuses %s as a dst-gap validation error', (time) => {
      const error = domainErrorOf(() => localToInstant('2027-03-14', time, NY));
      expect(error.code).toBe('validation');
      expect(error.details).toEqual({ path: 'time', reason: 'dst-gap' });
    });

    it('reports the gap through isWallTimeInGap', () => {
      expect(isWallTimeInGap('2027-03-14', '02:00', NY)).toBe(true);
      expect(isWallTimeInGap('2027-03-14', '02:59', NY)).toBe(true);
      expect(isWallTimeInGap('2027-03-14', '01:59', NY)).toBe(false);
      expect(isWallTimeInGap('2027-03-14', '03:00', NY)).toBe(false);
      expect(isWallTimeInGap('2027-03-15', '02:30', NY)).toBe(false);
    });

    it('resolveLocalTime moves a gap wall time to the end of the gap', () => {
      expect(resolveLocalTime('2027-03-14', '02:30', NY)).toEqual({
        instant: utc('2027-03-14T07:00:00Z'),
        inGap: true,
      });
      expect(resolveLocalTime('2027-03-14', '04:00', NY)).toEqual({
        instant: utc('2027-03-14T08:00:00Z'),
        inGap: false,
      });
    });
  });

  describe('America/New_York fall back, 2027-11-07 01:00–02:00 repeated', () => {
    it('resolves a repeated wall time to its EARLIER occurrence (EDT)', () => {
      expect(localToInstant('2027-11-07', '01:00', NY)).toBe(utc('2027-11-07T05:00:00Z'));
      expect(localToInstant('2027-11-07', '01:30', NY)).toBe(utc('2027-11-07T05:30:00Z'));
      expect(localToInstant('2027-11-07', '01:59', NY)).toBe(utc('2027-11-07T05:59:00Z'));
    });

    it('reads the wall times around the repeat unambiguously', () => {
      expect(localToInstant('2027-11-07', '00:59', NY)).toBe(utc('2027-11-07T04:59:00Z'));
      expect(localToInstant('2027-11-07', '02:00', NY)).toBe(utc('2027-11-07T07:00:00Z'));
      expect(isWallTimeInGap('2027-11-07', '01:30', NY)).toBe(false);
    });

    it('shows both occurrences with the same wall time', () => {
      expect(instantToLocal(utc('2027-11-07T05:30:00Z'), NY)).toEqual({ date: '2027-11-07', time: '01:30', weekday: 7 });
      expect(instantToLocal(utc('2027-11-07T06:30:00Z'), NY)).toEqual({ date: '2027-11-07', time: '01:30', weekday: 7 });
    });
  });

  describe('Europe/Berlin, 2027-03-28 02:00 → 03:00 and 2027-10-31 02:00–03:00 repeated', () => {
    it('refuses the spring gap and keeps its edges', () => {
      expect(localToInstant('2027-03-28', '01:59', BERLIN)).toBe(utc('2027-03-28T00:59:00Z'));
      expect(localToInstant('2027-03-28', '03:00', BERLIN)).toBe(utc('2027-03-28T01:00:00Z'));
      expect(domainErrorOf(() => localToInstant('2027-03-28', '02:15', BERLIN)).details.reason).toBe('dst-gap');
      expect(isWallTimeInGap('2027-03-28', '02:00', BERLIN)).toBe(true);
      // New York's gap date is an ordinary day in Berlin.
      expect(isWallTimeInGap('2027-03-14', '02:30', BERLIN)).toBe(false);
    });

    it('resolves the autumn repeat to the earlier occurrence (CEST)', () => {
      expect(localToInstant('2027-10-31', '02:00', BERLIN)).toBe(utc('2027-10-31T00:00:00Z'));
      expect(localToInstant('2027-10-31', '02:30', BERLIN)).toBe(utc('2027-10-31T00:30:00Z'));
      expect(localToInstant('2027-10-31', '03:00', BERLIN)).toBe(utc('2027-10-31T02:00:00Z'));
    });
  });

  it('keeps a visit length in real minutes across the change', () => {
    // 80 real minutes from 01:30 on the spring-forward night end at 03:50 on the wall clock…
    const springStart = localToInstant('2027-03-14', '01:30', NY);
    expect(instantToLocal(springStart + 80 * MINUTE, NY).time).toBe('03:50');
    // …and from 01:30 (the earlier one) on the fall-back night at 01:50, the clock having gone back.
    const fallStart = localToInstant('2027-11-07', '01:30', NY);
    expect(instantToLocal(fallStart + 80 * MINUTE, NY).time).toBe('01:50');
    const berlinStart = localToInstant('2027-10-31', '02:30', BERLIN);
    expect(instantToLocal(berlinStart + 80 * MINUTE, BERLIN).time).toBe('02:50');
  });

  it.each([
    ['2027-02-30', '09:00', 'invalid-date', 'date'],
    ['2027-3-1', '09:00', 'invalid-date', 'date'],
    ['', '09:00', 'invalid-date', 'date'],
    ['2027-03-01', '24:00', 'invalid-time', 'time'],
    ['2027-03-01', '9:00', 'invalid-time', 'time'],
    ['2027-03-01', '09:60', 'invalid-time', 'time'],
  ])('refuses %j %j with reason %s', (date, time, reason, path) => {
    const error = domainErrorOf(() => localToInstant(date, time, NY));
    expect(error.code).toBe('validation');
    expect(error.details).toEqual({ path, reason });
  });

  it('refuses an unknown zone', () => {
    expect(domainErrorOf(() => localToInstant('2027-03-01', '09:00', 'Foo/Bar')).details.reason).toBe('invalid-zone');
    expect(domainErrorOf(() => instantToLocal(0, 'UTC+3')).details.reason).toBe('invalid-zone');
  });

  it('round-trips every instant to itself or, on a repeated hour, to the earlier occurrence', () => {
    const from = utc('2027-01-01T00:00:00Z') / MINUTE;
    const to = utc('2028-01-01T00:00:00Z') / MINUTE;
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), fc.constantFrom('UTC', NY, BERLIN), (minute, zone) => {
        const ms = minute * MINUTE;
        const local = instantToLocal(ms, zone);
        const back = localToInstant(local.date, local.time, zone);
        expect(instantToLocal(back, zone)).toEqual(local);
        expect(back === ms || (back < ms && ms - back <= 60 * MINUTE)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('calendar dates', () => {
  it('lists an inclusive range across a DST change and a month end', () => {
    expect(localDateRange('2027-03-13', '2027-03-15')).toEqual(['2027-03-13', '2027-03-14', '2027-03-15']);
    expect(localDateRange('2027-10-30', '2027-11-01')).toEqual(['2027-10-30', '2027-10-31', '2027-11-01']);
    expect(localDateRange('2027-03-14', '2027-03-14')).toEqual(['2027-03-14']);
    expect(localDateRange('2027-03-15', '2027-03-14')).toEqual([]);
  });

  it('adds days over month, year and leap boundaries', () => {
    expect(addDays('2027-03-13', 1)).toBe('2027-03-14');
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(addDays('2027-03-01', 0)).toBe('2027-03-01');
    expect(() => addDays('2027-03-01', 1.5)).toThrow(DomainError);
  });

  it('counts calendar days, not 24-hour periods', () => {
    expect(daysBetween('2027-03-13', '2027-03-15')).toBe(2);
    expect(daysBetween('2027-10-30', '2027-11-01')).toBe(2);
    expect(daysBetween('2027-03-15', '2027-03-13')).toBe(-2);
    expect(daysBetween('2027-12-31', '2028-01-01')).toBe(1);
  });

  it('gives ISO weekdays and ISO week keys', () => {
    expect(isoWeekday('2027-03-14')).toBe(7);
    expect(isoWeekday('2027-03-08')).toBe(1);
    expect(isoWeekKey('2027-03-08')).toBe('2027-W10');
    expect(isoWeekKey('2027-03-14')).toBe('2027-W10');
    expect(isoWeekKey('2027-03-15')).toBe('2027-W11');
    expect(isoWeekKey('2027-03-01')).toBe('2027-W09');
    expect(isoWeekKey('2027-01-01')).toBe('2026-W53');
  });

  it('refuses malformed dates', () => {
    expect(domainErrorOf(() => addDays('2027-13-01', 1)).details).toEqual({ path: 'date', reason: 'invalid-date' });
    expect(domainErrorOf(() => localDateRange('2027-01-01', 'x')).details).toEqual({
      path: 'toDate',
      reason: 'invalid-date',
    });
    expect(domainErrorOf(() => isoWeekKey('2027-02-29')).details.reason).toBe('invalid-date');
  });
});

/** instantToLocal reads the wall clock by arithmetic; it must read what luxon's DateTime reads. */
describe('instantToLocal against luxon', () => {
  it('gives luxon’s date, time and weekday at random instants of random zones', () => {
    const zones = ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kolkata', 'Pacific/Apia', 'UTC'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(1960, 0, 1), max: Date.UTC(2060, 0, 1) }), (zone, ms) => {
        const dt = DateTime.fromMillis(ms, { zone });
        expect(instantToLocal(ms, zone)).toEqual({ date: dt.toFormat('yyyy-MM-dd'), time: dt.toFormat('HH:mm'), weekday: dt.weekday });
      }),
      { numRuns: 5000 },
    );
  });
});

describe('localDayBounds', () => {
  it.each([
    ['an ordinary day', NY, '2027-01-12', '2027-01-12T05:00:00Z', 24],
    ['spring forward (23 hours)', NY, '2027-03-14', '2027-03-14T05:00:00Z', 23],
    ['fall back (25 hours)', NY, '2027-11-07', '2027-11-07T04:00:00Z', 25],
    ['Berlin spring forward', BERLIN, '2027-03-28', '2027-03-27T23:00:00Z', 23],
    ['Berlin fall back', BERLIN, '2027-10-31', '2027-10-30T22:00:00Z', 25],
  ])('%s: local midnight to the next local midnight', (_what, zone, date, start, hours) => {
    const b = localDayBounds(date, zone);
    expect(b.start).toBe(utc(start));
    expect(b.end - b.start).toBe(hours * 60 * MINUTE);
  });
});

describe('localDayStart', () => {
  it.each([
    ['an ordinary day', NY, '2027-01-12', '2027-01-12T05:00:00Z'],
    ['New York spring forward (the gap is at 02:00)', NY, '2027-03-14', '2027-03-14T05:00:00Z'],
    ['Santiago: no midnight, the day begins at 01:00 -03', 'America/Santiago', '2027-09-05', '2027-09-05T04:00:00Z'],
    ['Havana: no midnight, the day begins at 01:00 CDT', 'America/Havana', '2027-03-14', '2027-03-14T05:00:00Z'],
    ['Santiago fall back (23:00–24:00 of the day before repeats)', 'America/Santiago', '2027-04-04', '2027-04-04T04:00:00Z'],
  ])('%s', (_what, zone, date, start) => {
    expect(localDayStart(date, zone)).toBe(utc(start));
    expect(instantToLocal(localDayStart(date, zone), zone).date).toBe(date);
  });

  it('is the first instant of the date: it reads as that date, the minute before as the day before', () => {
    const zones = [
      NY,
      BERLIN,
      'America/Santiago',
      'America/Havana',
      'Asia/Tehran',
      'America/Asuncion',
      'Africa/Cairo',
      'Australia/Lord_Howe',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: 0, max: 365 * 40 }), (zone, n) => {
        const date = addDays('2000-01-01', n);
        const start = localDayStart(date, zone);
        expect(instantToLocal(start, zone).date).toBe(date);
        expect(instantToLocal(start - MINUTE, zone).date).toBe(addDays(date, -1));
        // Never throws on a day without midnight, unlike the wall time 00:00 itself.
        expect(localDayBounds(date, zone).start).toBe(start);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives a first instant on days whose midnight falls in a gap, where 00:00 itself is refused', () => {
    // Dates on which some zone springs forward at midnight: each still has a first instant.
    for (const [zone, date] of [
      ['America/Santiago', '2027-09-05'],
      ['America/Havana', '2027-03-14'],
      ['America/Asuncion', '2024-10-06'],
      ['Asia/Beirut', '2027-03-28'],
    ] as const) {
      expect(() => localToInstant(date, '00:00', zone)).toThrow(DomainError);
      expect(instantToLocal(localDayStart(date, zone), zone)).toMatchObject({ date, time: '01:00' });
    }
  });
});
