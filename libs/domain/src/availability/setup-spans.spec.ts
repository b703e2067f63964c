import { closureSpanError, MAX_SHIFT_MS, shiftSpanError } from './setup-spans';

describe('shiftSpanError', () => {
  const start = Date.parse('2027-03-08T19:00:00Z');
  it.each([
    ['a 12-hour night shift', start + 12 * 3_600_000, null],
    ['exactly 24 hours', start + MAX_SHIFT_MS, null],
    ['over 24 hours', start + MAX_SHIFT_MS + 60_000, 'a shift lasts at most 24 hours'],
    ['ending when it starts', start, 'endsAt must be after startsAt'],
    ['ending before it starts', start - 60_000, 'endsAt must be after startsAt'],
  ])('%s', (_, end, message) => {
    expect(shiftSpanError(start, end)).toEqual(message === null ? null : { path: 'endsAt', message });
  });
});

describe('closureSpanError', () => {
  it.each([
    ['one day', '2027-12-25', '2027-12-25', null],
    ['366 days, both included', '2028-01-01', '2028-12-31', null],
    ['367 days', '2028-01-01', '2029-01-01', { path: 'endDate', message: 'a closure lasts at most 366 days' }],
    ['ending before it starts', '2027-12-25', '2027-12-24', { path: 'endDate', message: 'endDate must not be before startDate' }],
    ['a start in year 0001', '0001-01-01', '2027-01-01', { path: 'startDate', message: 'startDate must fall in the years 2000–2099' }],
    ['an end in year 9999', '2027-01-01', '9999-01-01', { path: 'endDate', message: 'endDate must fall in the years 2000–2099' }],
  ])('%s', (_, startDate, endDate, error) => {
    expect(closureSpanError(startDate, endDate)).toEqual(error);
  });
});
