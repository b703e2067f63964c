import { findForbiddenWords } from '@chairtime/domain';
import { visitCalendar } from './visit-calendar';

describe('visitCalendar', () => {
  const entry = {
    appointmentId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
    version: 3,
    // 10:00–12:30 in New York on the day DST starts there (clocks jump at 02:00).
    startsAt: new Date('2027-03-14T14:00:00Z'),
    endsAt: new Date('2027-03-14T16:30:00Z'),
    clinicName: 'Riverside Wellness',
    zone: 'America/New_York',
    stamp: new Date('2027-03-01T12:00:00Z'),
  };
  const lines = (ics: string): string[] => ics.split(/\r?\n/);

  it('writes UTC start/end, the clinic zone, a stable UID and the version as SEQUENCE', () => {
    const ics = lines(visitCalendar(entry));
    expect(ics).toEqual(
      expect.arrayContaining([
        'DTSTART:20270314T140000Z',
        'DTEND:20270314T163000Z',
        'X-WR-TIMEZONE:America/New_York',
        `UID:${entry.appointmentId}@chairtime`,
        'SEQUENCE:3',
        'SUMMARY:Visit at Riverside Wellness',
        'LOCATION:Riverside Wellness',
      ]),
    );
  });

  it('a reschedule keeps the UID and raises SEQUENCE, so calendars update the entry', () => {
    const moved = lines(
      visitCalendar({ ...entry, version: 4, startsAt: new Date('2027-03-15T14:00:00Z'), endsAt: new Date('2027-03-15T16:30:00Z') }),
    );
    expect(moved).toContain(`UID:${entry.appointmentId}@chairtime`);
    expect(moved).toContain('SEQUENCE:4');
    expect(moved).toContain('DTSTART:20270315T140000Z');
  });

  it('never names the treatment, even when the clinic name does', () => {
    const ics = visitCalendar({ ...entry, clinicName: 'Northside Ketamine Infusion Center' });
    expect(ics).toContain('SUMMARY:Visit at Your clinic');
    expect(findForbiddenWords(ics)).toEqual([]);
  });
});
