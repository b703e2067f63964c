import { localToInstant } from '../time/local-time';
import { boosterOfferRange } from './booster-offer';

const NY = 'America/New_York';
const at = (date: string, time = '09:00') => localToInstant(date, time, NY);
const window = { windowMinDays: 21, windowMaxDays: 42, zone: NY };

describe('boosterOfferRange', () => {
  it('searches the whole window when the relapse comes before it opens', () => {
    expect(boosterOfferRange({ ...window, lastInductionStart: at('2027-03-05'), now: at('2027-03-19') })).toEqual({
      fromDate: '2027-03-26',
      toDate: '2027-04-16',
    });
  });

  it('starts today inside the window, and keeps two weeks of choice near its end', () => {
    expect(boosterOfferRange({ ...window, lastInductionStart: at('2027-03-05'), now: at('2027-03-30') })).toEqual({
      fromDate: '2027-03-30',
      toDate: '2027-04-16',
    });
    expect(boosterOfferRange({ ...window, lastInductionStart: at('2027-03-05'), now: at('2027-04-10') })).toEqual({
      fromDate: '2027-04-10',
      toDate: '2027-04-23',
    });
  });

  it('after the window closed, offers the earliest booster from today', () => {
    expect(boosterOfferRange({ ...window, lastInductionStart: at('2027-03-05'), now: at('2027-06-01') })).toEqual({
      fromDate: '2027-06-01',
      toDate: '2027-06-14',
    });
  });

  it('counts days on the clinic calendar: an evening visit is its local date, whatever UTC says', () => {
    // 22:30 in New York is already the next day in UTC.
    expect(boosterOfferRange({ ...window, lastInductionStart: at('2027-03-05', '22:30'), now: at('2027-03-06') }).fromDate).toBe(
      '2027-03-26',
    );
  });

  it('never spans more than one availability query', () => {
    const r = boosterOfferRange({
      lastInductionStart: at('2027-03-05'),
      windowMinDays: 0,
      windowMaxDays: 400,
      now: at('2027-03-05'),
      zone: NY,
    });
    expect(r).toEqual({ fromDate: '2027-03-05', toDate: '2027-06-04' });
  });
});
