import fc from 'fast-check';
import { IANAZone } from 'luxon';
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

/**
 * The zones zoneOf hands out answer offsets from a per-day cache; every answer must be the one
 * luxon's own zone gives (which asks Intl each time), on transition days to the minute.
 */
describe('CachedIANAZone', () => {
  const zones = [
    'America/New_York',
    'Europe/Berlin',
    'Australia/Lord_Howe',
    'America/Santiago',
    'Asia/Tehran',
    'Pacific/Apia',
    'America/Havana',
    'Asia/Kolkata',
    'UTC',
  ];

  it.each([
    ['America/New_York', '2027-03-14'],
    ['America/New_York', '2027-11-07'],
    ['Europe/Berlin', '2027-10-31'],
    ['Australia/Lord_Howe', '2027-04-04'],
    ['America/Santiago', '2027-09-05'],
    ['Pacific/Apia', '2011-12-30'],
  ])("gives luxon's offset for every minute around %s %s", (zoneName, date) => {
    const cached = zoneOf(zoneName)!;
    const plain = new IANAZone(zoneName);
    const day = parseDay(date)!;
    for (let t = day - DAY_MS; t <= day + 2 * DAY_MS; t += MINUTE_MS) {
      expect({ t, offset: cached.offset(t) }).toEqual({ t, offset: plain.offset(t) });
    }
  });

  it("gives luxon's offset at random instants of random zones", () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), (zoneName, t) => {
        expect(zoneOf(zoneName)!.offset(t)).toBe(new IANAZone(zoneName).offset(t));
      }),
      { numRuns: 3000 },
    );
  });
});
