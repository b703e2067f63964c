import fc from 'fast-check';
import type { Slot } from '@chairtime/domain';
import { availabilityJson } from './availability-json';

/** The straightforward serialization the hand-written one must equal byte for byte. */
const reference = (slots: Slot[]): string =>
  JSON.stringify({
    slots: slots.map((s) => ({
      startsAt: new Date(s.start).toISOString(),
      endsAt: new Date(s.end).toISOString(),
      chairReleasedAt: new Date(s.chairReleasedAt).toISOString(),
      chairIds: s.chairIds,
    })),
  });

describe('availabilityJson', () => {
  const instant = fc.integer({ min: Date.parse('1970-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') });
  const minute = instant.map((ms) => Math.floor(ms / 60_000) * 60_000);
  const slot = fc.record({
    start: fc.oneof(minute, instant),
    length: fc.integer({ min: 1, max: 600 }).map((m) => m * 60_000),
    turnover: fc.integer({ min: 0, max: 60 }).map((m) => m * 60_000),
    chairIds: fc.array(fc.uuid(), { maxLength: 4 }),
  });

  it('equals JSON.stringify of the API shape, for whole-minute and odd instants', () => {
    fc.assert(
      fc.property(fc.array(slot, { maxLength: 30 }), (raw) => {
        const slots: Slot[] = raw.map((r) => ({
          start: r.start,
          end: r.start + r.length,
          chairReleasedAt: r.start + r.length + r.turnover,
          chairIds: r.chairIds,
          clinicianShiftIds: [],
          fragmentation: {},
        }));
        expect(availabilityJson(slots)).toBe(reference(slots));
      }),
    );
  });

  it('is an empty list without slots', () => {
    expect(JSON.parse(availabilityJson([]))).toEqual({ slots: [] });
  });
});
