import { verifyActionToken } from './action-tokens';
import { checkInJti, CHECK_IN_LINK_DAYS, messageActionUrl } from './message-links';

const SECRET = 'a-test-secret-of-at-least-32-characters!';
const NOW = Date.parse('2027-03-01T12:00:00Z');
const appt = { id: 'a1', startsAt: new Date('2027-03-09T15:00:00Z') };
const msg = (kind: string, courseId: string | null = 'c1') => ({ id: 'm1', kind, patientId: 'p1', courseId });
const claimsOf = (url: string | undefined) => {
  const token = /^\/v1\/actions\/(.+)$/.exec(url ?? '')?.[1];
  if (!token) throw new Error(`not an action link: ${url}`);
  return verifyActionToken(SECRET, token, NOW);
};

describe('messageActionUrl', () => {
  it('ride requests confirm the ride and reminders confirm attendance, until the visit starts', () => {
    for (const [kind, purpose] of [
      ['ride-request', 'confirm-ride'],
      ['ride-second-request', 'confirm-ride'],
      ['reminder', 'confirm-attendance'],
      ['final-reminder', 'confirm-attendance'],
    ]) {
      const c = claimsOf(messageActionUrl(SECRET, msg(kind), appt, NOW));
      expect(c).toMatchObject({ purpose, appointmentId: 'a1', exp: appt.startsAt.getTime() / 1000 });
      expect(c.messageId).toBeUndefined();
    }
  });

  it('check-ins carry the message and patient ids, one jti per message, and last a week from sending', () => {
    for (const kind of ['side-effects-check-in', 'next-day-check-in', 'phq9-check-in']) {
      const first = claimsOf(messageActionUrl(SECRET, msg(kind), appt, NOW));
      const again = claimsOf(messageActionUrl(SECRET, msg(kind), appt, NOW + 60_000));
      expect(first).toMatchObject({
        purpose: 'check-in-answer',
        appointmentId: 'a1',
        messageId: 'm1',
        patientId: 'p1',
        jti: checkInJti('m1'),
      });
      expect(again.jti).toBe(first.jti);
      expect(first.exp).toBe(NOW / 1000 + CHECK_IN_LINK_DAYS * 86_400);
    }
  });

  it('booster messages link to the course next steps; messages without a link or a visit get none', () => {
    expect(messageActionUrl(SECRET, msg('booster-offer'), null, NOW)).toBe('/v1/courses/c1/next-steps');
    expect(messageActionUrl(SECRET, msg('booster-due'), appt, NOW)).toBe('/v1/courses/c1/next-steps');
    expect(messageActionUrl(SECRET, msg('booster-due', null), appt, NOW)).toBeUndefined();
    expect(messageActionUrl(SECRET, msg('crisis-resources'), null, NOW)).toBeUndefined();
    expect(messageActionUrl(SECRET, msg('preparation'), appt, NOW)).toBeUndefined();
    expect(messageActionUrl(SECRET, msg('reminder'), null, NOW)).toBeUndefined();
  });
});
