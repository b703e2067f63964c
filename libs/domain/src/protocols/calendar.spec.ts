import { DateTime } from 'luxon';
import { DomainError } from '../shared/domain-error';
import {
  calendarDaysBetween,
  clinicZone,
  formatDate,
  isoWeekday,
  isoWeekIndex,
  isoWeekKey,
  localDate,
  parseDate,
  wallClockReader,
  wallTimeOf,
} from './calendar';

const MINUTE = 60_000;

describe('calendar', () => {
  it('parses real dates only and formats them back', () => {
    expect(parseDate('1970-01-01')).toBe(0);
    expect(formatDate(parseDate('2027-03-14') as number)).toBe('2027-03-14');
    for (const bad of ['2027-02-30', '2027-13-01', '2027-3-1', '', '2027-03-01T00:00']) expect(parseDate(bad)).toBeNull();
  });

  it('agrees with luxon on ISO weekdays, week keys and week boundaries over several years', () => {
    const first = parseDate('2024-12-20') as number;
    for (let day = first; day < first + 1200; day++) {
      const dt = DateTime.fromISO(formatDate(day), { zone: 'utc' });
      expect(isoWeekday(day)).toBe(dt.weekday);
      expect(isoWeekKey(day)).toBe(dt.toFormat("kkkk-'W'WW"));
      expect(isoWeekIndex(day) === isoWeekIndex(day - 1)).toBe(dt.weekday !== 1);
    }
    expect(isoWeekKey(parseDate('2027-01-01') as number)).toBe('2026-W53');
  });

  it('reads instants on the wall clock of the zone, DST changes included', () => {
    const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();
    expect(localDate(at('2027-03-07T23:30', 'America/New_York'), 'America/New_York')).toBe('2027-03-07');
    expect(localDate(at('2027-03-07T23:30', 'America/New_York'), 'UTC')).toBe('2027-03-08');
    expect(wallTimeOf(at('2027-03-14T03:15', 'America/New_York'), 'America/New_York').minute).toBe(195);
    // Sat 00:10 → Sun 23:50 over the fall-back night: 48 h 40 min, but one calendar day.
    expect(
      calendarDaysBetween(at('2027-11-06T00:10', 'America/New_York'), at('2027-11-07T23:50', 'America/New_York'), 'America/New_York'),
    ).toBe(1);
  });

  it.each(['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Santiago', 'UTC'])(
    'the fast wall-clock reader matches luxon in %s across a year',
    (zone) => {
      const from = Date.UTC(2027, 0, 1);
      const to = Date.UTC(2028, 0, 1);
      const read = wallClockReader(zone, from, to);
      for (let t = from; t <= to; t += 37 * MINUTE) {
        const dt = DateTime.fromMillis(t, { zone });
        const got = read(t);
        expect([formatDate(got.day), got.minute]).toEqual([dt.toISODate(), dt.hour * 60 + dt.minute]);
      }
    },
  );

  it('refuses unknown zones and offsets', () => {
    for (const bad of ['Mars/Base', '+03:00', 'UTC+3', '']) expect(() => clinicZone(bad)).toThrow(DomainError);
    expect(clinicZone('Europe/Berlin').name).toBe('Europe/Berlin');
  });
});
