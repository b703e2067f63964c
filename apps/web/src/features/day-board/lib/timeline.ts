/**
 * Clinic-day arithmetic for the board, in the clinic's IANA zone with the browser's Intl (no
 * date library in the bundle). Dates are `YYYY-MM-DD` local to the clinic; instants are ISO strings.
 */

const partsCache = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = partsCache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    partsCache.set(zone, f);
  }
  return f;
}

function local(instant: string | number, zone: string): { date: string; minutes: number } {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** Today's date in the clinic's zone. */
export const todayIn = (zone: string, now: number = Date.now()): string => local(now, zone).date;

/**
 * Minutes from the start of `date` (clinic-local) to the instant: past midnight when the visit
 * runs into the next day, negative when it began the day before.
 */
export function minutesInto(date: string, instant: string, zone: string): number {
  const l = local(instant, zone);
  return l.minutes + 1440 * daysBetween(date, l.date);
}

export const isDate = (s: string | null): s is string =>
  s !== null && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** ISO weekday, 1 = Monday (as the API's opening hours). */
export const isoWeekday = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay() || 7;

export interface OpeningInterval {
  weekday: number;
  opens: string;
  closes: string;
}

const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * The axis of a day: from the earliest opening to the latest closing on its weekday, widened to
 * every visit, in whole hours. A closed day with no visits shows 08:00–18:00.
 */
export function dayAxis(date: string, hours: OpeningInterval[], visits: { start: number; end: number }[]): { from: number; to: number } {
  const today = hours.filter((h) => h.weekday === isoWeekday(date));
  let from = Math.min(...today.map((h) => toMinutes(h.opens)), ...visits.map((v) => v.start));
  let to = Math.max(...today.map((h) => toMinutes(h.closes)), ...visits.map((v) => v.end));
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) [from, to] = [8 * 60, 18 * 60];
  return { from: Math.floor(from / 60) * 60, to: Math.ceil(to / 60) * 60 };
}

export const clock = (minutes: number): string => {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/** "Tuesday, 2 March 2027" for a clinic-local date. */
export function longDate(date: string): string {
  return new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${date}T00:00:00Z`),
  );
}
