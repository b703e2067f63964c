import fc from 'fast-check';
import { DomainError } from '../shared/domain-error';
import { assertBookingLead, DEFAULT_MINIMUM_LEAD_MINUTES, earliestBookableStart } from './booking-lead';

const NOW = Date.parse('2027-03-01T12:00:00Z');
const MINUTE = 60_000;

describe('booking lead', () => {
  it('binds patients to now + the lead, staff only to now', () => {
    expect(earliestBookableStart('patient', NOW, 90)).toBe(NOW + 90 * MINUTE);
    expect(earliestBookableStart('patient', NOW, 0)).toBe(NOW);
    expect(earliestBookableStart('patient', NOW, undefined)).toBe(NOW + DEFAULT_MINIMUM_LEAD_MINUTES * MINUTE);
    expect(earliestBookableStart('staff', NOW, 90)).toBe(NOW);
  });

  it('refuses a patient’s early starts with 422 naming each field, and passes staff', () => {
    const starts = [
      { path: 'visits[0].startsAt', start: NOW + 60 * MINUTE },
      { path: 'visits[1].startsAt', start: NOW + 120 * MINUTE },
    ];
    let error: unknown;
    try {
      assertBookingLead('patient', NOW, 120, starts);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('rule-violation');
    expect((error as DomainError).details).toMatchObject({ reason: 'lead-time', errors: [{ path: 'visits[0].startsAt' }] });
    expect(((error as DomainError).details.errors as unknown[]).length).toBe(1);
    expect(() => assertBookingLead('staff', NOW, 120, starts)).not.toThrow();
  });

  it('accepts a patient’s start exactly when it is not before the earliest bookable start', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_080 }), fc.integer({ min: -20_000, max: 20_000 }), (lead, offsetMinutes) => {
        const start = NOW + offsetMinutes * MINUTE;
        const ok = start >= earliestBookableStart('patient', NOW, lead);
        let threw = false;
        try {
          assertBookingLead('patient', NOW, lead, [{ path: 'startsAt', start }]);
        } catch {
          threw = true;
        }
        expect(threw).toBe(!ok);
      }),
    );
  });
});
