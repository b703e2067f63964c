import fc from 'fast-check';
import { pairDelaySeconds, throttleKeys } from './login-throttler';

describe('login throttling rules', () => {
  it('waits nothing for the free failures, then doubles from 1 s up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => pairDelaySeconds(n, 3, 900))).toEqual([0, 0, 0, 1, 2, 4, 8]);
    expect(pairDelaySeconds(1000, 3, 900)).toBe(900);
  });

  it('never shrinks as failures grow, and never exceeds the cap', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000 }), fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 86_400 }), (n, free, max) => {
        const d = pairDelaySeconds(n, free, max);
        expect(d).toBeLessThanOrEqual(max);
        expect(pairDelaySeconds(n + 1, free, max)).toBeGreaterThanOrEqual(d);
      }),
    );
  });

  it('keys a pair by email (any case or padding) and source, without the email in the key', () => {
    const a = throttleKeys(' Owner@Clinic.test ', '203.0.113.1');
    expect(a).toEqual(throttleKeys('owner@clinic.test', '203.0.113.1'));
    expect(a.pair).not.toContain('owner');
    expect(a.pair).not.toBe(throttleKeys('owner@clinic.test', '203.0.113.2').pair);
    expect(a.source).toBe('source:203.0.113.1');
  });
});
