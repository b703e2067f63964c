import fc from 'fast-check';
import { DomainError } from '../shared/domain-error';
import { findDefaultProtocol } from '../protocols/default-protocols';
import { localToInstant } from '../time';
import { QuietWindow } from '../messaging/quiet-hours';
import {
  assertWaitWindow,
  CourseVisit,
  findWaitlistFit,
  MAX_WAIT_WINDOW_DAYS,
  OFFER_MINUTES,
  offerTiming,
  WaitingCourse,
  waitlistSendAt,
} from './waitlist-fit';

const ZONE = 'America/New_York';
const IV = findDefaultProtocol('iv-induction')!;
const DAY = 86_400_000;
const at = (date: string, time = '10:00') => localToInstant(date, time, ZONE);

/** Mon/Wed/Fri of two weeks from Monday 2027-03-08, at 10:00: a valid induction. */
const DATES = ['2027-03-08', '2027-03-10', '2027-03-12', '2027-03-15', '2027-03-17', '2027-03-19'];
const visits = (dates = DATES): CourseVisit[] => dates.map((d, i) => ({ id: `v${i + 1}`, sequence: i + 1, start: at(d), movable: true }));
const course = (o: Partial<WaitingCourse> = {}): WaitingCourse => ({
  protocol: IV,
  capability: 'iv-infusion',
  visits: visits(),
  earliest: at('2027-03-01', '00:00'),
  latest: at('2027-03-31', '00:00'),
  ...o,
});
const chair = ['iv-infusion', 'spravato'];

describe('findWaitlistFit', () => {
  it('moves the first visit earlier when the whole series still obeys the protocol', () => {
    expect(findWaitlistFit({ start: at('2027-03-05'), chairCapabilities: chair }, course(), ZONE)).toEqual({ visitId: 'v1', sequence: 1 });
  });

  it('refuses a time that would break the min gap to a neighbour', () => {
    // Tuesday 03-09 between Mon 03-08 and Wed 03-10: one day from either.
    expect(findWaitlistFit({ start: at('2027-03-09'), chairCapabilities: chair }, course(), ZONE)).toBeNull();
  });

  it('moves a later visit when only that keeps the series valid', () => {
    // 08:00 on Mon 03-15 lies after visit 3 and before visit 4 (10:00 that day): only visit 4 can take it.
    expect(findWaitlistFit({ start: at('2027-03-15', '08:00'), chairCapabilities: chair }, course(), ZONE)).toEqual({
      visitId: 'v4',
      sequence: 4,
    });
  });

  it('refuses a time that would put four visits in one ISO week', () => {
    // Sun 03-14 keeps the gaps but joins Mon/Wed/Fri of the same ISO week.
    expect(findWaitlistFit({ start: at('2027-03-14'), chairCapabilities: chair }, course(), ZONE)).toBeNull();
  });

  it('refuses a start outside the window, both ends included', () => {
    const start = at('2027-03-05');
    expect(findWaitlistFit({ start, chairCapabilities: chair }, course({ earliest: start + 1 }), ZONE)).toBeNull();
    expect(findWaitlistFit({ start, chairCapabilities: chair }, course({ latest: start - 1 }), ZONE)).toBeNull();
    expect(findWaitlistFit({ start, chairCapabilities: chair }, course({ earliest: start, latest: start }), ZONE)).not.toBeNull();
  });

  it('refuses a chair without the capability the visit kind needs', () => {
    expect(findWaitlistFit({ start: at('2027-03-05'), chairCapabilities: ['spravato'] }, course(), ZONE)).toBeNull();
    expect(findWaitlistFit({ start: at('2027-03-05'), chairCapabilities: chair }, course({ capability: null }), ZONE)).toBeNull();
  });

  it('never moves a visit later, nor a visit that is no longer movable', () => {
    expect(findWaitlistFit({ start: at('2027-03-25'), chairCapabilities: chair }, course(), ZONE)).toBeNull();
    const fixed = visits().map((v) => (v.sequence === 1 ? { ...v, movable: false } : v));
    expect(findWaitlistFit({ start: at('2027-03-05'), chairCapabilities: chair }, course({ visits: fixed }), ZONE)).toBeNull();
  });

  it('honours the repeat window of a booster measured from its anchor', () => {
    const booster = findDefaultProtocol('iv-booster')!;
    const anchor = at('2027-02-01');
    const b = course({
      protocol: booster,
      visits: [{ id: 'b1', sequence: 1, start: at('2027-03-08'), movable: true }],
      anchor,
      earliest: at('2027-02-15'),
    });
    // 21 days after the anchor is the earliest allowed; 20 is not.
    expect(findWaitlistFit({ start: at('2027-02-22'), chairCapabilities: chair }, b, ZONE)).toEqual({ visitId: 'b1', sequence: 1 });
    expect(findWaitlistFit({ start: at('2027-02-21'), chairCapabilities: chair }, b, ZONE)).toBeNull();
  });

  it('property: a fit always names a movable, later visit and lies in the window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -14, max: 28 }),
        fc.integer({ min: 7, max: 20 }),
        fc.integer({ min: 0, max: 30 }),
        (offset, hour, span) => {
          const start = at('2027-03-08', `${String(hour).padStart(2, '0')}:00`) + offset * DAY;
          const c = course({ earliest: at('2027-03-01', '00:00'), latest: at('2027-03-01', '00:00') + span * DAY });
          const fit = findWaitlistFit({ start, chairCapabilities: chair }, c, ZONE);
          if (fit === null) return;
          const moved = c.visits.find((v) => v.id === fit.visitId)!;
          expect(moved.movable).toBe(true);
          expect(moved.start).toBeGreaterThan(start);
          expect(start).toBeGreaterThanOrEqual(c.earliest);
          expect(start).toBeLessThanOrEqual(c.latest);
        },
      ),
    );
  });
});

describe('assertWaitWindow', () => {
  const now = at('2027-03-01', '09:00');
  const field = (f: () => void): unknown => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      return (e as DomainError).details.path;
    }
    return null;
  };

  it('accepts a window ahead, up to the maximum span', () => {
    expect(field(() => assertWaitWindow(now, now + MAX_WAIT_WINDOW_DAYS * DAY, now))).toBeNull();
  });
  it('names earliest when the window starts in the past', () => {
    expect(field(() => assertWaitWindow(now - 1, now + DAY, now))).toBe('earliest');
  });
  it('names latest when it is not after earliest', () => {
    expect(field(() => assertWaitWindow(now + DAY, now + DAY, now))).toBe('latest');
    expect(field(() => assertWaitWindow(now + 2 * DAY, now + DAY, now))).toBe('latest');
  });
  it('names latest when the window spans more than the maximum', () => {
    expect(field(() => assertWaitWindow(now, now + MAX_WAIT_WINDOW_DAYS * DAY + 1, now))).toBe('latest');
  });
});

describe('offerTiming', () => {
  const quiet = new QuietWindow({ from: '21:00', to: '08:00' }, ZONE);
  const MIN = 60_000;

  it('sends at once in the day and gives the full claim window', () => {
    const now = at('2027-03-01', '12:00');
    expect(offerTiming(now, at('2027-03-05'), quiet)).toEqual({ sendAt: now, expiresAt: now + OFFER_MINUTES * MIN });
  });
  it('holds a night-time offer until quiet hours end, and the window runs from then', () => {
    const morning = at('2027-03-02', '08:00');
    expect(offerTiming(at('2027-03-01', '22:30'), at('2027-03-05'), quiet)).toEqual({
      sendAt: morning,
      expiresAt: morning + OFFER_MINUTES * MIN,
    });
  });
  it('never lets an offer outlive the offered start', () => {
    const now = at('2027-03-01', '12:00');
    expect(offerTiming(now, now + 10 * MIN, quiet)).toEqual({ sendAt: now, expiresAt: now + 10 * MIN });
  });
  it('makes no offer that could only be sent after the start', () => {
    expect(offerTiming(at('2027-03-01', '22:30'), at('2027-03-02', '08:00'), quiet)).toBeNull();
  });
});

describe('waitlistSendAt', () => {
  const quiet = new QuietWindow({ from: '21:00', to: '08:00' }, ZONE);

  it('sends at once in the day and holds a night-time message until quiet hours end', () => {
    const noon = at('2027-03-01', '12:00');
    expect(waitlistSendAt(noon, at('2027-03-05'), quiet)).toBe(noon);
    expect(waitlistSendAt(at('2027-03-01', '22:30'), at('2027-03-05'), quiet)).toBe(at('2027-03-02', '08:00'));
  });
  it('sends nothing about a start that would be past by the time quiet hours end', () => {
    expect(waitlistSendAt(at('2027-03-01', '22:30'), at('2027-03-02', '08:00'), quiet)).toBeNull();
    expect(waitlistSendAt(at('2027-03-01', '22:30'), at('2027-03-02', '08:01'), quiet)).toBe(at('2027-03-02', '08:00'));
  });
});
