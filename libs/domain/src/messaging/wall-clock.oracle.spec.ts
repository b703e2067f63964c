import fc from 'fast-check';
import { DateTime } from 'luxon';
import { applyMessageOffset, MessageOffset } from './message-plan';
import { QuietWindow } from './quiet-hours';

/**
 * QuietWindow and applyMessageOffset do their wall-clock arithmetic on epoch ms with luxon's own
 * offset rule; these references are the luxon calls they replaced (DateTime#startOf, #plus, #set
 * in the zone), and every answer must be the same, DST gaps and repeated hours included.
 */
const MINUTE = 60_000;

class LuxonQuietWindow {
  private readonly from: number;
  private readonly to: number;

  constructor(
    hours: { from: string; to: string },
    private readonly zone: string,
  ) {
    const hhmm = (v: string) => Number(v.slice(0, 2)) * 60 + Number(v.slice(3));
    this.from = hhmm(hours.from);
    this.to = hhmm(hours.to);
  }

  private get wraps(): boolean {
    return this.from > this.to;
  }

  private local(t: number): DateTime {
    return DateTime.fromMillis(t, { zone: this.zone });
  }

  isQuiet(t: number): boolean {
    if (this.from === this.to) return false;
    const l = this.local(t);
    const m = l.hour * 60 + l.minute;
    return this.wraps ? m >= this.from || m < this.to : m >= this.from && m < this.to;
  }

  private wallTimeOnOrAfter(day: DateTime, minute: number): number {
    const dt = day.set({ hour: Math.floor(minute / 60), minute: minute % 60, second: 0, millisecond: 0 });
    let ms = dt.toMillis();
    if (dt.hour * 60 + dt.minute === minute) return ms;
    for (let i = 0; i < 2 * 24 * 60; i++) {
      const prev = this.local(ms - MINUTE);
      if (!prev.hasSame(day, 'day') || prev.hour * 60 + prev.minute < minute) break;
      ms -= MINUTE;
    }
    return ms;
  }

  nextAllowed(t: number): number {
    if (!this.isQuiet(t)) return t;
    const local = this.local(t);
    const m = local.hour * 60 + local.minute;
    const day = this.wraps && m >= this.from ? local.startOf('day').plus({ days: 1 }) : local.startOf('day');
    const candidate = this.wallTimeOnOrAfter(day, this.to);
    if (candidate > t && !this.isQuiet(candidate)) return candidate;
    return this.scan(t, +1);
  }

  lastAllowedBefore(t: number): number {
    if (!this.isQuiet(t)) return t;
    const local = this.local(t);
    const m = local.hour * 60 + local.minute;
    const day = this.wraps && m < this.to ? local.startOf('day').minus({ days: 1 }) : local.startOf('day');
    const candidate = this.wallTimeOnOrAfter(day, this.from) - MINUTE;
    if (candidate < t && !this.isQuiet(candidate)) return candidate;
    return this.scan(t, -1);
  }

  private scan(t: number, direction: 1 | -1): number {
    let ms = t;
    for (let i = 0; i < 2 * 24 * 60 && this.isQuiet(ms); i++) ms += direction * MINUTE;
    return ms;
  }
}

function luxonApplyOffset(anchor: number, offset: MessageOffset, zone: string): number {
  const local = DateTime.fromMillis(anchor, { zone });
  const moved = offset.sign === 1 ? local.plus({ days: offset.days }) : local.minus({ days: offset.days });
  return moved.toMillis() + offset.sign * offset.ms;
}

/** Zones with DST changes at 02:00, at midnight, by 30 minutes, a skipped date, and none; with days they change on. */
const CHANGES: Record<string, string[]> = {
  'America/New_York': ['2027-03-14', '2027-11-07'],
  'Europe/Berlin': ['2027-03-28', '2027-10-31'],
  'Australia/Lord_Howe': ['2027-04-04', '2027-10-03'],
  'America/Santiago': ['2027-04-04', '2027-09-05'],
  'America/Havana': ['2027-03-14', '2027-11-07'],
  'Pacific/Apia': ['2011-12-30'],
  'Asia/Kolkata': ['2027-01-01'],
  UTC: ['2027-01-01'],
};
const ZONES = Object.keys(CHANGES);
const DAY = 86_400_000;
/** A zone and an instant within two days of one of its changes (minute steps) or anywhere in 2026–2028. */
const zoneAndInstant = fc.constantFrom(...ZONES).chain((zone) =>
  fc.tuple(
    fc.constant(zone),
    fc.oneof(
      fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2029, 0, 1) }),
      fc
        .tuple(fc.constantFrom(...CHANGES[zone]), fc.integer({ min: -2 * 1440, max: 2 * 1440 }))
        .map(([date, minute]) => Date.parse(`${date}T00:00:00Z`) + minute * MINUTE),
    ),
  ),
);
const hhmm = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 59))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
/** Boundaries that fall into the zones' DST gaps and repeated hours, and ordinary ones. */
const boundary = fc.oneof(hhmm, fc.constantFrom('00:00', '00:30', '01:30', '02:00', '02:15', '02:30', '03:00', '21:00', '08:00'));

describe('wall-clock arithmetic against luxon', () => {
  it('QuietWindow answers as luxon would', () => {
    fc.assert(
      fc.property(zoneAndInstant, boundary, boundary, ([zone, t], from, to) => {
        const fast = new QuietWindow({ from, to }, zone);
        const luxon = new LuxonQuietWindow({ from, to }, zone);
        expect([fast.isQuiet(t), fast.nextAllowed(t), fast.lastAllowedBefore(t)]).toEqual([
          luxon.isQuiet(t),
          luxon.nextAllowed(t),
          luxon.lastAllowedBefore(t),
        ]);
      }),
      { numRuns: 10000 },
    );
  });

  it('applyMessageOffset lands where luxon plus/minus days lands', () => {
    fc.assert(
      fc.property(
        zoneAndInstant,
        fc.constantFrom<1 | -1>(1, -1),
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 0, max: 100 * 3600 }),
        ([zone, target], sign, days, seconds) => {
          // Anchored so that the days land near `target`: near a change, into its gap or repeat.
          const anchor = target - sign * days * DAY;
          const offset = { sign, days, ms: seconds * 1000 };
          expect(applyMessageOffset(anchor, offset, zone)).toBe(luxonApplyOffset(anchor, offset, zone));
        },
      ),
      { numRuns: 10000 },
    );
  });
});
