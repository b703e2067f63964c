import { addDays, clock, dayAxis, daysBetween, isDate, isoWeekday, minutesInto, todayIn } from './timeline';
import { safeNext } from '../../auth/components/safe-next';

describe('day-board timeline (clinic-local arithmetic with Intl)', () => {
  const NY = 'America/New_York';

  it('places an instant in minutes into the clinic-local day, also across a DST change', () => {
    expect(minutesInto('2027-03-02', '2027-03-02T14:00:00.000Z', NY)).toBe(9 * 60); // 09:00 EST
    expect(minutesInto('2027-03-15', '2027-03-15T13:00:00.000Z', NY)).toBe(9 * 60); // 09:00 EDT
    expect(minutesInto('2027-03-02', '2027-03-03T05:30:00.000Z', NY)).toBe(24 * 60 + 30); // 00:30 the next day
    expect(minutesInto('2027-03-02', '2027-03-02T04:00:00.000Z', NY)).toBe(-60); // 23:00 the day before
  });

  it('knows today in the clinic’s zone, not the browser’s', () => {
    expect(todayIn(NY, Date.parse('2027-03-02T03:00:00Z'))).toBe('2027-03-01');
    expect(todayIn('Asia/Tokyo', Date.parse('2027-03-02T20:00:00Z'))).toBe('2027-03-03');
  });

  it('steps dates across month and year ends, with ISO weekdays', () => {
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(daysBetween('2027-03-01', '2027-03-15')).toBe(14);
    expect(isoWeekday('2027-03-01')).toBe(1);
    expect(isoWeekday('2027-03-07')).toBe(7);
  });

  it('accepts only real YYYY-MM-DD dates from the address bar', () => {
    expect(isDate('2027-03-02')).toBe(true);
    expect(isDate('2027-3-2')).toBe(false);
    expect(isDate('2027-13-02')).toBe(false);
    expect(isDate(null)).toBe(false);
  });

  it('spans the opening hours of the weekday in whole hours, widened to every visit', () => {
    const hours = [
      { weekday: 2, opens: '08:30', closes: '12:00' },
      { weekday: 2, opens: '13:00', closes: '17:15' },
      { weekday: 3, opens: '06:00', closes: '22:00' },
    ];
    expect(dayAxis('2027-03-02', hours, [])).toEqual({ from: 8 * 60, to: 18 * 60 });
    expect(dayAxis('2027-03-02', hours, [{ start: 7 * 60 + 45, end: 19 * 60 + 10 }])).toEqual({ from: 7 * 60, to: 20 * 60 });
    expect(dayAxis('2027-03-01', hours, [])).toEqual({ from: 8 * 60, to: 18 * 60 }); // closed: a default day
    expect(clock(9 * 60 + 5)).toBe('09:05');
    expect(clock(24 * 60 + 30)).toBe('00:30');
  });
});

describe('safeNext: where sign-in may send the user back to', () => {
  it.each([
    ['/board?date=2027-03-02', '/board?date=2027-03-02'],
    [null, '/board'],
    ['//evil.example', '/board'],
    ['/\\evil.example', '/board'],
    ['https://evil.example', '/board'],
  ])('%s → %s', (next, to) => expect(safeNext(next)).toBe(to));
});
