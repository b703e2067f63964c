import { DomainError } from '../shared/domain-error';
import { BOUND_PATTERN, INSTANT_PATTERN, parseClinicBound, parseClinicTime, START_PATTERN } from './clinic-time';

const NY = 'America/New_York';

function refusal(read: () => unknown): Record<string, unknown> {
  try {
    read();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('validation');
    return (e as DomainError).details;
  }
  throw new Error('expected a refusal');
}

describe('parseClinicTime', () => {
  it('reads an instant with its offset as is, and a bare wall time in the clinic zone', () => {
    expect(parseClinicTime('2027-03-08T10:00:00-05:00', NY, 'startsAt').toISOString()).toBe('2027-03-08T15:00:00.000Z');
    expect(parseClinicTime('2027-03-08T10:00', NY, 'startsAt').toISOString()).toBe('2027-03-08T15:00:00.000Z');
    // After the spring-forward, 10:00 New York is 14:00 UTC.
    expect(parseClinicTime('2027-03-15T10:00', NY, 'startsAt').toISOString()).toBe('2027-03-15T14:00:00.000Z');
  });

  it('refuses a wall time inside a spring-forward gap, naming the field', () => {
    expect(refusal(() => parseClinicTime('2027-03-14T02:30', NY, 'visits[3].startsAt'))).toMatchObject({
      path: 'visits[3].startsAt',
      reason: 'dst-gap',
    });
  });

  it('refuses what is not a date-time, and years outside the scheduling years', () => {
    expect(refusal(() => parseClinicTime('2027-03-08', NY, 'startsAt'))).toMatchObject({ path: 'startsAt' });
    expect(refusal(() => parseClinicTime('soon', NY, 'startsAt'))).toMatchObject({ path: 'startsAt' });
    for (const value of ['9999-12-31T23:00', '0001-01-01T10:00', '2099-12-31T23:00', '2100-01-01T00:00:00Z']) {
      expect(refusal(() => parseClinicTime(value, NY, 'endsAt'))).toEqual({ path: 'endsAt' });
    }
  });

  it('with notBefore, refuses a time before it (reason past) and takes one at it', () => {
    const now = Date.parse('2027-03-08T15:00:00Z');
    expect(refusal(() => parseClinicTime('2027-03-08T09:59', NY, 'startsAt', { notBefore: now }))).toEqual({
      path: 'startsAt',
      reason: 'past',
    });
    expect(parseClinicTime('2027-03-08T10:00', NY, 'startsAt', { notBefore: now }).getTime()).toBe(now);
  });
});

describe('parseClinicBound', () => {
  it('reads an instant anywhere, and a bare time or date only with a clinic zone', () => {
    expect(parseClinicBound('2027-03-08T10:00:00Z', null, 'from').toISOString()).toBe('2027-03-08T10:00:00.000Z');
    expect(parseClinicBound('2027-03-08T10:00', NY, 'from').toISOString()).toBe('2027-03-08T15:00:00.000Z');
    expect(parseClinicBound('2027-03-08', NY, 'to').toISOString()).toBe('2027-03-08T05:00:00.000Z');
    expect(refusal(() => parseClinicBound('2027-03-08', null, 'from'))).toEqual({ path: 'from' });
    expect(refusal(() => parseClinicBound('9999-01-01', NY, 'from'))).toEqual({ path: 'from' });
    expect(refusal(() => parseClinicBound('2027-02-30', NY, 'from'))).toMatchObject({ path: 'from' });
  });
});

describe('the patterns DTOs check', () => {
  it.each([
    // value, instant, start, bound
    ['2027-03-08T10:00:00.000Z', true, true, true],
    ['2027-03-08T10:00+01:00', true, true, true],
    ['2027-03-08T10:00', false, true, true],
    ['2027-03-08T10:00:30.5', false, true, true],
    ['2027-03-08', false, false, true],
    ['2027-03-08T10', false, false, false],
    ['2027-03-08 10:00', false, false, false],
    ['2027-03-08T10:00:00+0100', false, false, false],
  ])('%s: instant %s, start %s, bound %s', (value, instant, start, bound) => {
    expect(INSTANT_PATTERN.test(value)).toBe(instant);
    expect(START_PATTERN.test(value)).toBe(start);
    expect(BOUND_PATTERN.test(value)).toBe(bound);
  });
});
