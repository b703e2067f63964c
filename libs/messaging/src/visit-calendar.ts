import ical, { ICalCalendarMethod } from 'ical-generator';
import { messageClinicName } from '@chairtime/domain';

/** What the calendar entry of a visit shows: times, the clinic's zone and its (neutral) name. */
export interface VisitCalendarEntry {
  appointmentId: string;
  /** The visit's version: a reschedule bumps it, so calendars replace the earlier entry. */
  version: number;
  startsAt: Date;
  endsAt: Date;
  clinicName: string;
  /** The clinic's IANA zone, a display hint for calendars (times themselves are UTC). */
  zone: string;
  /** DTSTAMP: when this revision was produced. */
  stamp: Date;
}

/**
 * The `.ics` of a visit. The UID is stable per appointment and SEQUENCE is the visit version, so
 * a reschedule's email updates the entry a patient already imported instead of adding a second.
 * Start and end are written in UTC (`…Z`), which every calendar reads unambiguously across DST;
 * the clinic's zone goes in `X-WR-TIMEZONE` (ical-generator writes zone-less local times when the
 * calendar itself is given a zone without a VTIMEZONE generator, so it is not set there).
 * Like the message body it names only the clinic — a calendar is as visible as a lock screen.
 */
export function visitCalendar(entry: VisitCalendarEntry): string {
  const clinic = messageClinicName(entry.clinicName);
  const calendar = ical({ prodId: '//Chairtime//Visit//EN', method: ICalCalendarMethod.PUBLISH, x: { 'X-WR-TIMEZONE': entry.zone } });
  calendar.createEvent({
    id: `${entry.appointmentId}@chairtime`,
    sequence: entry.version,
    stamp: entry.stamp,
    start: entry.startsAt,
    end: entry.endsAt,
    summary: `Visit at ${clinic}`,
    location: clinic,
  });
  return calendar.toString();
}
