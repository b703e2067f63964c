import { isSchedulingDate, isSchedulingInstant, schedulingYearsMessage } from './scheduling-years';

describe('scheduling years', () => {
  it.each([
    ['2000-01-01', true],
    ['2027-03-14', true],
    ['2099-12-31', true],
    ['1999-12-31', false],
    ['2100-01-01', false],
    ['0001-01-01', false],
    ['9999-12-31', false],
  ])('date %s → %s', (date, ok) => {
    expect(isSchedulingDate(date)).toBe(ok);
  });

  it.each([
    ['2000-01-01T00:00:00Z', true],
    ['2099-12-31T23:59:59.999Z', true],
    ['1999-12-31T23:59:59.999Z', false],
    // 2099-12-31 19:00 in New York is already 2100 in UTC.
    ['2099-12-31T19:00:00-05:00', false],
    ['9999-12-31T23:00:00-05:00', false],
  ])('instant %s → %s', (iso, ok) => {
    expect(isSchedulingInstant(Date.parse(iso))).toBe(ok);
  });

  it('refuses what is not an instant', () => {
    expect(isSchedulingInstant(Number.NaN)).toBe(false);
    expect(isSchedulingInstant(Number.POSITIVE_INFINITY)).toBe(false);
  });

  it('names the field and the years', () => {
    expect(schedulingYearsMessage('startsAt')).toBe('startsAt must fall in the years 2000–2099');
  });
});
