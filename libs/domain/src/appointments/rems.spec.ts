import { DateTime } from 'luxon';
import { assertRems, remsFormDueAt } from './rems';

const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();
const local = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toISO();

describe('remsFormDueAt', () => {
  it.each([
    ['2027-03-02T09:00', 'America/New_York', '2027-03-09T23:59:59.999-05:00'],
    ['2027-03-02T23:30', 'America/Los_Angeles', '2027-03-09T23:59:59.999-08:00'],
    ['2027-03-02T00:00', 'America/Chicago', '2027-03-09T23:59:59.999-06:00'],
    // Across spring-forward (14 Mar 2027 in the US): still local end of day, now on EDT.
    ['2027-03-10T09:00', 'America/New_York', '2027-03-17T23:59:59.999-04:00'],
    // Across fall-back (7 Nov 2027).
    ['2027-11-03T15:00', 'America/New_York', '2027-11-10T23:59:59.999-05:00'],
  ])('a session at %s (%s) is due by %s', (sessionLocal, zone, due) => {
    expect(local(remsFormDueAt(at(sessionLocal, zone), zone), zone)).toBe(due);
  });

  it('counts days in the clinic zone, not UTC', () => {
    // 2027-03-02 22:00 in New York is already 3 March in UTC.
    const session = at('2027-03-02T22:00', 'America/New_York');
    expect(local(remsFormDueAt(session, 'America/New_York'), 'America/New_York')).toBe('2027-03-09T23:59:59.999-05:00');
    expect(DateTime.fromMillis(remsFormDueAt(session, 'UTC'), { zone: 'UTC' }).toISO()).toBe('2027-03-10T23:59:59.999Z');
  });

  it('refuses an unknown zone', () => {
    expect(() => remsFormDueAt(0, 'Mars/Olympus')).toThrow(/time zone/);
  });
});

describe('assertRems', () => {
  it('lets a Spravato visit through only with a certified site AND an enrolled patient', () => {
    expect(() => assertRems('spravato', { patientEnrolled: true, siteCertified: true })).not.toThrow();
    expect(() => assertRems('spravato', { patientEnrolled: true, siteCertified: false })).toThrow(
      expect.objectContaining({ code: 'rule-violation', details: { reason: 'rems-site' } }),
    );
    expect(() => assertRems('spravato', { patientEnrolled: false, siteCertified: true })).toThrow(
      expect.objectContaining({ code: 'rule-violation', details: { reason: 'rems-patient' } }),
    );
  });

  it('does not govern other kinds', () => {
    for (const kind of ['iv-infusion', 'im-injection', 'lozenge', 'intake']) {
      expect(() => assertRems(kind, { patientEnrolled: false, siteCertified: false })).not.toThrow();
    }
  });
});
