import fc from 'fast-check';
import { LOCK_BUCKET_MS, lockKeysFor } from './booking-locks';

describe('lockKeysFor', () => {
  const MIN = 60_000;
  const t0 = Date.parse('2027-03-01T00:00:00Z');
  /** A window of 1 minute to 4 hours starting anywhere in two days, to the minute. */
  const window = fc
    .record({ start: fc.integer({ min: 0, max: 2 * 24 * 60 }), minutes: fc.integer({ min: 1, max: 240 }) })
    .map(({ start, minutes }) => ({ start: t0 + start * MIN, end: t0 + (start + minutes) * MIN }));
  const shareKey = (a: string[], b: string[]) => a.some((k) => b.includes(k));

  it('gives overlapping windows of one clinic a common key, so their bookings serialize', () => {
    fc.assert(
      fc.property(window, window, (a, b) => {
        fc.pre(a.start < b.end && b.start < a.end);
        expect(shareKey(lockKeysFor('c1', [a]), lockKeysFor('c1', [b]))).toBe(true);
      }),
    );
  });

  it('gives windows a bucket apart no common key, so they book at once', () => {
    fc.assert(
      fc.property(window, window, (a, b) => {
        fc.pre(a.end + LOCK_BUCKET_MS <= b.start);
        expect(shareKey(lockKeysFor('c1', [a]), lockKeysFor('c1', [b]))).toBe(false);
      }),
    );
  });

  it('locks each bucket a window touches once, half-open at its end, and per clinic', () => {
    const at = (hhmm: string) => Date.parse(`2027-03-01T${hhmm}:00Z`);
    // 09:00–10:30 touches 09:00, 09:30 and 10:00; not 10:30 (the end is not in the window).
    expect(lockKeysFor('c1', [{ start: at('09:00'), end: at('10:30') }])).toHaveLength(3);
    expect(lockKeysFor('c1', [{ start: at('09:10'), end: at('10:31') }])).toHaveLength(4);
    // Two visits in the same buckets lock them once.
    const twice = lockKeysFor('c1', [
      { start: at('09:00'), end: at('09:20') },
      { start: at('09:05'), end: at('09:25') },
    ]);
    expect(twice).toHaveLength(1);
    expect(
      shareKey(
        lockKeysFor('c1', [{ start: at('09:00'), end: at('10:00') }]),
        lockKeysFor('c2', [{ start: at('09:00'), end: at('10:00') }]),
      ),
    ).toBe(false);
  });
});
