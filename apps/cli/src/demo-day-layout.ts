import { DateTime } from 'luxon';
import { findDefaultProtocol, validateSeries } from '@chairtime/domain';
import type { AppointmentStatus, Protocol } from '@chairtime/domain';

/**
 * What the demo day looks like, as data: a clinic's morning already treated, the middle of the
 * day in the chairs, the afternoon still to come. Pure (no I/O) so the layout can be checked on
 * its own; {@link seedDemoDay} writes it.
 *
 * Minutes are from the day's opening time; a visit whose chair time would end after closing is
 * left out (a short Saturday keeps its morning). Starts are staggered so that no 15-minute slot
 * has more than two starts (two nurses on shift), and each chair's visits follow each other
 * without overlap: an IV or IM visit holds its chair 90 minutes (10 prep + 40 + 30 recovery +
 * 10 turnover), a Spravato session 150 (10 + 10 + 120 observation + 10).
 */
export interface DemoVisit {
  chair: string;
  /** Minutes after opening. */
  at: number;
  kind: 'iv-infusion' | 'im-injection' | 'spravato';
  status: AppointmentStatus | 'cancelled';
  /** Who: an index into {@link DEMO_PATIENTS}. */
  patient: number;
  /** Visit of a course: visit 4 of 6 (mid-series), visit 1 of a course starting today, or a booster. */
  course?: 'mid-series' | 'starting' | 'booster';
  ride?: 'confirmed' | 'unconfirmed' | 'rideshare';
  flags?: string[];
}

export const DEMO_PATIENTS: readonly { given: string; family: string; born: string }[] = [
  { given: 'Maya', family: 'Chen', born: '1986-03-14' },
  { given: 'Daniel', family: 'Okafor', born: '1979-11-02' },
  { given: 'Priya', family: 'Raman', born: '1991-06-23' },
  { given: 'Tom', family: 'Becker', born: '1968-01-30' },
  { given: 'Lucia', family: 'Moreno', born: '1983-09-08' },
  { given: 'Sam', family: 'Whitfield', born: '1975-04-17' },
  { given: 'Grace', family: 'Liu', born: '1994-12-05' },
  { given: 'Marcus', family: 'Hale', born: '1972-07-21' },
  { given: 'Nina', family: 'Petrova', born: '1988-02-11' },
  { given: 'Owen', family: 'Doyle', born: '1981-10-29' },
  { given: 'Rosa', family: 'Alvarez', born: '1965-05-03' },
  { given: 'Ethan', family: 'Brooks', born: '1997-08-19' },
  { given: 'Hannah', family: 'Kim', born: '1990-01-26' },
  { given: 'Victor', family: 'Nguyen', born: '1977-03-09' },
  { given: 'Ava', family: 'Sullivan', born: '1985-11-15' },
  { given: 'Leo', family: 'Fischer', born: '1970-06-01' },
  { given: 'Zara', family: 'Ahmed', born: '1993-04-28' },
  { given: 'Ben', family: 'Carter', born: '1982-09-12' },
  { given: 'Iris', family: 'Novak', born: '1987-12-20' },
  { given: 'Felix', family: 'Grant', born: '1974-02-14' },
  { given: 'Jordan', family: 'Reyes', born: '1995-07-07' },
  { given: 'Clara', family: 'Weiss', born: '1989-10-10' },
  { given: 'Theo', family: 'Marsh', born: '1980-08-04' },
];

/** Index of the patient whose screening waits for review (an intake consult today). */
export const PENDING_SCREENING_PATIENT = 20;
/** Index of the patient whose induction course starts on the next open day. */
export const NEXT_COURSE_PATIENT = 21;

export const DEMO_DAY: readonly DemoVisit[] = [
  { chair: 'Infusion 1', at: 30, kind: 'iv-infusion', status: 'discharged', patient: 1, course: 'booster', ride: 'confirmed' },
  { chair: 'Infusion 1', at: 120, kind: 'iv-infusion', status: 'discharged', patient: 2, course: 'booster', ride: 'confirmed' },
  { chair: 'Infusion 1', at: 210, kind: 'iv-infusion', status: 'in-treatment', patient: 3, course: 'booster', ride: 'confirmed' },
  { chair: 'Infusion 1', at: 300, kind: 'iv-infusion', status: 'checked-in', patient: 4, course: 'booster', ride: 'rideshare' },
  { chair: 'Infusion 1', at: 390, kind: 'iv-infusion', status: 'booked', patient: 5, course: 'booster', ride: 'confirmed' },
  { chair: 'Infusion 1', at: 480, kind: 'iv-infusion', status: 'booked', patient: 6, course: 'booster', ride: 'confirmed' },
  {
    chair: 'Infusion 1',
    at: 570,
    kind: 'iv-infusion',
    status: 'booked',
    patient: 7,
    course: 'booster',
    ride: 'unconfirmed',
    flags: ['ride-unconfirmed'],
  },
  { chair: 'Infusion 2', at: 45, kind: 'iv-infusion', status: 'discharged', patient: 8, course: 'booster', ride: 'confirmed' },
  { chair: 'Infusion 2', at: 135, kind: 'iv-infusion', status: 'no-show', patient: 9, course: 'booster', ride: 'unconfirmed' },
  { chair: 'Infusion 2', at: 225, kind: 'iv-infusion', status: 'vitals-hold', patient: 10, course: 'booster', ride: 'confirmed' },
  {
    chair: 'Infusion 2',
    at: 315,
    kind: 'iv-infusion',
    status: 'booked',
    patient: 11,
    course: 'booster',
    ride: 'confirmed',
    flags: ['attendance-confirmed'],
  },
  { chair: 'Infusion 2', at: 405, kind: 'iv-infusion', status: 'held', patient: 12, course: 'booster', ride: 'unconfirmed' },
  { chair: 'Infusion 2', at: 495, kind: 'iv-infusion', status: 'cancelled', patient: 13, course: 'booster', ride: 'unconfirmed' },
  { chair: 'Infusion 3', at: 60, kind: 'iv-infusion', status: 'discharged', patient: 14, course: 'booster', ride: 'confirmed' },
  { chair: 'Infusion 3', at: 240, kind: 'iv-infusion', status: 'in-treatment', patient: 0, course: 'mid-series', ride: 'confirmed' },
  {
    chair: 'Infusion 3',
    at: 420,
    kind: 'iv-infusion',
    status: 'booked',
    patient: 15,
    course: 'starting',
    ride: 'confirmed',
    flags: ['attendance-confirmed'],
  },
  { chair: 'Infusion 4', at: 75, kind: 'im-injection', status: 'discharged', patient: 16, ride: 'confirmed' },
  { chair: 'Infusion 4', at: 255, kind: 'im-injection', status: 'checked-in', patient: 17, ride: 'confirmed' },
  { chair: 'Spravato 1', at: 45, kind: 'spravato', status: 'discharged', patient: 18, ride: 'confirmed' },
  { chair: 'Spravato 1', at: 195, kind: 'spravato', status: 'in-treatment', patient: 19, ride: 'confirmed' },
  { chair: 'Spravato 2', at: 345, kind: 'spravato', status: 'booked', patient: 22, ride: 'confirmed' },
];

/** The intake consult of the patient whose screening is pending: minutes after opening. */
export const INTAKE_AT = 150;

/** Minutes a visit kind holds its chair (prep + treatment + recovery + turnover at the defaults). */
export const CHAIR_MINUTES: Record<DemoVisit['kind'], number> = { 'iv-infusion': 90, 'im-injection': 90, spravato: 150 };

/**
 * Local dates of a six-visit IV induction whose visit number `todayIndex + 1` falls on `day`:
 * the first set (gaps of 2–4 days, tried shortest first) whose dates are all open and which the
 * protocol's own validator accepts — so the demo course obeys the rules a booking would.
 */
export function inductionDates(day: string, todayIndex: number, zone: string, isOpen: (date: string) => boolean): string[] {
  const protocol = findDefaultProtocol('iv-induction') as Protocol;
  const gapChoices = [2, 3, 4];
  const combos = gapChoices.length ** 5;
  const base = DateTime.fromISO(day, { zone });
  for (let c = 0; c < combos; c++) {
    const gaps = [0, 1, 2, 3, 4].map((i) => gapChoices[Math.floor(c / gapChoices.length ** i) % gapChoices.length]);
    const offsets = [0];
    for (const g of gaps) offsets.push(offsets[offsets.length - 1] + g);
    const shift = offsets[todayIndex];
    const dates = offsets.map((o) => base.plus({ days: o - shift }).toISODate() as string);
    if (!dates.every(isOpen)) continue;
    const visits = dates.map((d, i) => ({ sequence: i + 1, start: DateTime.fromISO(`${d}T10:00`, { zone }).toMillis() }));
    if (validateSeries(protocol, visits, zone).length === 0) return dates;
  }
  throw new Error(`no valid induction dates around ${day}`);
}
