import fc from 'fast-check';
import { DateTime } from 'luxon';
import { MESSAGE_KINDS } from './message-kinds';
import { afterSendFailure, messageNotAfter, sendTimeDecision } from './not-after';
import { QuietWindow } from './quiet-hours';

const NY = 'America/New_York';
const at = (iso: string) => DateTime.fromISO(iso, { zone: NY }).toMillis();
const HOUR = 3_600_000;

describe('messageNotAfter', () => {
  const start = at('2027-03-10T09:00');

  it.each(['preparation', 'ride-request', 'ride-second-request', 'reminder', 'final-reminder', 'booking-confirmation'] as const)(
    '%s ends at the visit start',
    (kind) => {
      expect(messageNotAfter({ kind, plannedAt: start - 24 * HOUR, sendAt: start - 23 * HOUR, visitStart: start })).toBe(start);
    },
  );

  it('offers end at the offered start; check-ins and booster prompts after their window', () => {
    const planned = at('2027-03-12T10:00');
    expect(messageNotAfter({ kind: 'waitlist-offer', plannedAt: planned, sendAt: planned - HOUR, visitStart: null })).toBe(planned);
    expect(messageNotAfter({ kind: 'side-effects-check-in', plannedAt: planned, sendAt: planned, visitStart: start })).toBe(
      planned + 12 * HOUR,
    );
    expect(messageNotAfter({ kind: 'next-day-check-in', plannedAt: planned, sendAt: planned, visitStart: start })).toBe(
      planned + 24 * HOUR,
    );
    expect(messageNotAfter({ kind: 'phq9-check-in', plannedAt: planned, sendAt: planned, visitStart: start })).toBe(planned + 72 * HOUR);
    expect(messageNotAfter({ kind: 'booster-due', plannedAt: planned, sendAt: planned, visitStart: start })).toBe(planned + 7 * 24 * HOUR);
  });

  it('is after the send time of every kind, as planning and events write them (a message can go out at all)', () => {
    const offers = ['booster-offer', 'waitlist-offer', 'waitlist-offer-gone'];
    fc.assert(
      fc.property(
        fc.constantFrom(...MESSAGE_KINDS),
        fc.integer({ min: 1, max: 240 }),
        fc.integer({ min: 0, max: 11 }),
        (kind, hoursBefore, deferHours) => {
          // Pre-visit messages and offers go out before the start they name (planning skips or pulls
          // back the others); follow-ups are due at or after their planned time.
          const preVisit =
            offers.includes(kind) ||
            ['preparation', 'ride-request', 'ride-second-request', 'reminder', 'final-reminder', 'booking-confirmation'].includes(kind);
          const plannedAt = offers.includes(kind) ? start : start - hoursBefore * HOUR;
          const sendAt = preVisit ? Math.min(plannedAt + deferHours * HOUR, start - 1) : plannedAt + deferHours * HOUR;
          return messageNotAfter({ kind, plannedAt, sendAt, visitStart: start }) > sendAt;
        },
      ),
    );
  });
});

describe('sendTimeDecision', () => {
  const quiet = new QuietWindow({ from: '21:00', to: '08:00' }, NY);
  const start = at('2027-03-10T09:00');

  it('expires at and after not-after', () => {
    expect(sendTimeDecision('reminder', start, start, quiet)).toEqual({ action: 'expire' });
    expect(sendTimeDecision('reminder', start + 1, start, quiet)).toEqual({ action: 'expire' });
  });

  it('defers a quiet-hours send to their end before not-after, otherwise does not send it', () => {
    // The T−24 h second ride request of a 09:00 visit falls at 06:00: held until 08:00 the day before.
    expect(sendTimeDecision('ride-second-request', at('2027-03-09T06:00'), start, quiet)).toEqual({
      action: 'defer',
      until: at('2027-03-09T08:00'),
    });
    // A 07:30 visit: at 06:00 the same morning the end of quiet hours is past the start.
    expect(sendTimeDecision('final-reminder', at('2027-03-10T06:00'), at('2027-03-10T07:30'), quiet)).toEqual({ action: 'skip-quiet' });
    expect(sendTimeDecision('reminder', at('2027-03-09T12:00'), start, quiet)).toEqual({ action: 'send' });
  });

  it('never holds crisis resources', () => {
    expect(sendTimeDecision('crisis-resources', at('2027-03-09T03:00'), at('2027-03-10T03:00'), quiet)).toEqual({ action: 'send' });
  });
});

describe('afterSendFailure', () => {
  const now = at('2027-03-09T12:00');
  it('fails on a permanent error or the last attempt, expires when the retry would be late, else retries', () => {
    expect(afterSendFailure({ permanent: true, attemptsLeft: 3, now, nextDelayMs: 5000, notAfter: now + HOUR })).toBe('failed');
    expect(afterSendFailure({ permanent: false, attemptsLeft: 0, now, nextDelayMs: 5000, notAfter: now + HOUR })).toBe('failed');
    expect(afterSendFailure({ permanent: false, attemptsLeft: 2, now, nextDelayMs: 5000, notAfter: now + 5000 })).toBe('expired');
    expect(afterSendFailure({ permanent: false, attemptsLeft: 2, now, nextDelayMs: 5000, notAfter: now + 5001 })).toBe('retry');
  });
});
