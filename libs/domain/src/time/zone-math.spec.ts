import fc from 'fast-check';
import { DAY_MS, dayResolver, MINUTE_MS, parseDay, resolveWall, zoneOf } from './zone-math';

/**
 * dayResolver reads a transition day's wall times against the transition found once; it must
 * agree with resolveWall (which asks the zone for every wall time) on every minute of the day.
 */
describe('dayResolver', () => {
  const agreesAllDay = (zoneName: string, date: string) => {
    const zone = zoneOf(zoneName)!;
    const day = parseDay(date)!;
    const resolve = dayResolver(zone, day);
    for (let minute = 0; minute <= 1440; minute++) {
      expect({ minute, ...resolve(minute) }).toEqual({ minute, ...resolveWall(zone, day + minute * MINUTE_MS) });
    }
  };

  it.each([
    ['America/New_York', '2027-03-14'],
    ['America/New_York', '2027-11-07'],
    ['Europe/Berlin', '2027-03-28'],
    ['Europe/Berlin', '2027-10-31'],
    ['Australia/Lord_Howe', '2027-04-04'], // a 30-minute change
    ['Australia/Lord_Howe', '2027-10-03'],
    ['America/Santiago', '2027-04-04'], // the change at midnight
    ['America/Santiago', '2027-09-05'],
    ['Asia/Tehran', '2022-03-22'], // the last Iranian DST start
    ['Pacific/Apia', '2011-12-30'], // a whole skipped date
  ])('agrees with resolveWall on every minute of %s %s', agreesAllDay);

  it('agrees with resolveWall on random days and zones (days near a change included)', () => {
    const zones = ['America/New_York', 'Europe/Berlin', 'Europe/London', 'Australia/Sydney', 'America/Havana', 'Asia/Kolkata', 'UTC'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 3 * 366 }),
        fc.integer({ min: 0, max: 1440 }),
        (zoneName, offset, minute) => {
          const zone = zoneOf(zoneName)!;
          const day = parseDay('2026-01-01')! + offset * DAY_MS;
          expect(dayResolver(zone, day)(minute)).toEqual(resolveWall(zone, day + minute * MINUTE_MS));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
