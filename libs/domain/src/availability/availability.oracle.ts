import type { ClinicCapacity, StartRefusal, VisitKindSpec } from './availability.types';

/**
 * A brute-force reference for the availability rules, for property tests only. Written to be
 * obviously right rather than fast, and independent of the engine: it reads wall clocks through
 * Intl (not luxon, not `time/`), walks the day minute by minute, and tests each rule at every
 * minute of the visit. Exact for minute-aligned data, which the generators produce.
 */

const MINUTE = 60_000;

interface WallMinute {
  /** Epoch ms of the minute. */
  ms: number;
  /** Minutes since local midnight on the wall clock. */
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const dayTables = new Map<string, WallMinute[]>();

function wallOf(zone: string, ms: number): { date: string; minute: number } {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, minute: Number(p.hour) * 60 + Number(p.minute) };
}

/** Every minute whose wall-clock date is `date`, in time order (cached: it is the slow part). */
function minutesOf(zone: string, date: string): WallMinute[] {
  const key = `${zone}|${date}`;
  let table = dayTables.get(key);
  if (!table) {
    table = [];
    const utcMidnight = Date.parse(`${date}T00:00:00Z`);
    for (let ms = utcMidnight - 15 * 60 * MINUTE; ms < utcMidnight + 39 * 60 * MINUTE; ms += MINUTE) {
      const wall = wallOf(zone, ms);
      if (wall.date === date) table.push({ ms, minute: wall.minute });
    }
    dayTables.set(key, table);
  }
  return table;
}

export function addDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 24 * 60 * MINUTE).toISOString().slice(0, 10);
}

export function nextDate(date: string): string {
  return addDate(date, 1);
}

function isoWeekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
}

function toMinute(time: string): number {
  return time === '24:00' ? 1440 : Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** First instant of `date` whose wall time is at or after `time` (the next midnight if none). */
function boundary(zone: string, date: string, time: string): number {
  const wanted = toMinute(time);
  const hit = minutesOf(zone, date).find((m) => m.minute >= wanted);
  return hit ? hit.ms : minutesOf(zone, nextDate(date))[0].ms;
}

/** The opening intervals of a date as instants, or [] when closed. */
export function oracleOpenIntervals(capacity: ClinicCapacity, date: string): Array<{ start: number; end: number }> {
  if (capacity.closures.some((c) => c.startDate <= date && date <= c.endDate)) return [];
  return capacity.weeklyHours
    .filter((h) => h.weekday === isoWeekday(date))
    .map((h) => ({ start: boundary(capacity.zone, date, h.opens), end: boundary(capacity.zone, date, h.closes) }));
}

export interface OracleStart {
  start: number;
  date: string;
}

/** Grid starts of the dates: the first time each wall minute divisible by the slot shows up. */
export function oracleGrid(capacity: ClinicCapacity, fromDate: string, toDate: string): OracleStart[] {
  const out: OracleStart[] = [];
  for (let date = fromDate; date <= toDate; date = nextDate(date)) {
    const seen = new Set<number>();
    for (const m of minutesOf(capacity.zone, date)) {
      if (seen.has(m.minute)) continue;
      seen.add(m.minute);
      if (m.minute % capacity.slotMinutes === 0) out.push({ start: m.ms, date });
    }
  }
  return out;
}

/** Later occurrences of repeated (fall-back) wall minutes on the grid: never grid starts. */
export function oracleRepeatedGridInstants(capacity: ClinicCapacity, fromDate: string, toDate: string): number[] {
  const out: number[] = [];
  for (let date = fromDate; date <= toDate; date = nextDate(date)) {
    const seen = new Set<number>();
    for (const m of minutesOf(capacity.zone, date)) {
      if (seen.has(m.minute) && m.minute % capacity.slotMinutes === 0) out.push(m.ms);
      seen.add(m.minute);
    }
  }
  return out;
}

/** Open and booked chair minutes over the dates, counted minute by minute. */
export function oracleCapacity(capacity: ClinicCapacity, fromDate: string, toDate: string) {
  let open = 0;
  let booked = 0;
  const covers = (i: { start: number; end: number }, t: number) => i.start <= t && t < i.end;
  for (let date = fromDate; date <= toDate; date = nextDate(date)) {
    const intervals = oracleOpenIntervals(capacity, date);
    const opened = new Set<number>();
    for (const i of intervals) for (let t = i.start; t < i.end; t += MINUTE) opened.add(t);
    for (const chair of new Set(capacity.chairs.map((c) => c.id))) {
      for (const t of opened) {
        if (capacity.chairBlocks.some((k) => k.chairId === chair && covers(k, t))) continue;
        open += 1;
        const taken = capacity.bookings.some((b) => b.chairId === chair && covers({ start: b.start, end: b.chairReleasedAt }, t));
        if (taken) booked += 1;
      }
    }
  }
  return { openChairMinutes: open, bookedChairMinutes: booked };
}

export type OracleVerdict =
  | { ok: true; chairIds: string[]; clinicianShiftIds: string[]; fragmentation: Record<string, number> }
  | { ok: false; reason: StartRefusal };

/** The verdict for a grid start on `date`, applying the rules in checkStart's order. */
export function oracleCheck(capacity: ClinicCapacity, kind: VisitKindSpec, at: OracleStart, now: number, chairId?: string): OracleVerdict {
  const s = at.start;
  const visit = (kind.prepMinutes + kind.treatmentMinutes + kind.recoveryMinutes) * MINUTE;
  const chairTime = visit + kind.turnoverMinutes * MINUTE;
  const every = (from: number, to: number, test: (t: number) => boolean) => {
    for (let t = from; t < to; t += MINUTE) if (!test(t)) return false;
    return true;
  };
  const covers = (i: { start: number; end: number }, t: number) => i.start <= t && t < i.end;

  if (s < now) return { ok: false, reason: 'past' };
  if (capacity.closures.some((c) => c.startDate <= at.date && at.date <= c.endDate)) {
    return { ok: false, reason: 'closed' };
  }
  const holding = oracleOpenIntervals(capacity, at.date)
    .filter((i) => every(s, s + chairTime, (t) => covers(i, t)))
    .sort((a, b) => a.start - b.start || b.end - a.end);
  if (holding.length === 0) return { ok: false, reason: 'outside-hours' };
  const interval = holding[0];

  let chairIds: string[] = [];
  const fragmentation: Record<string, number> = {};
  if (kind.needsChair) {
    const capable = capacity.chairs.filter((c) => kind.capability === null || c.capabilities.includes(kind.capability));
    const blockedAt = (id: string, t: number) => capacity.chairBlocks.some((k) => k.chairId === id && covers(k, t));
    const bookedAt = (id: string, t: number) =>
      capacity.bookings.some((b) => b.chairId === id && covers({ start: b.start, end: b.chairReleasedAt }, t));
    const blocked = (id: string) => !every(s, s + chairTime, (t) => !blockedAt(id, t));
    const busy = (id: string) => !every(s, s + chairTime, (t) => !bookedAt(id, t));
    if (chairId !== undefined) {
      if (!capable.some((c) => c.id === chairId)) return { ok: false, reason: 'no-capable-chair' };
      if (blocked(chairId)) return { ok: false, reason: 'chair-blocked' };
      if (busy(chairId)) return { ok: false, reason: 'chair-busy' };
      chairIds = [chairId];
    } else {
      if (capable.length === 0) return { ok: false, reason: 'no-capable-chair' };
      chairIds = capable.filter((c) => !blocked(c.id) && !busy(c.id)).map((c) => c.id);
      chairIds.sort();
      if (chairIds.length === 0) return { ok: false, reason: 'chair-busy' };
    }
    const nursesAt = (t: number) => capacity.shifts.filter((x) => x.role === 'nurse' && covers(x, t)).length;
    const patientsAt = (t: number) => capacity.bookings.filter((b) => b.chairId !== null && covers(b, t)).length;
    if (!every(s, s + visit, (t) => patientsAt(t) + 1 <= nursesAt(t) * capacity.nurseRatio)) {
      return { ok: false, reason: 'nurse-capacity' };
    }
    const startingTogether = capacity.bookings.filter((b) => b.chairId !== null && b.start === s).length;
    if (startingTogether + 1 > nursesAt(s)) return { ok: false, reason: 'stagger' };

    for (const id of chairIds) {
      const free = (t: number) => !blockedAt(id, t) && !bookedAt(id, t);
      let before = 0;
      for (let t = s - MINUTE; t >= interval.start && free(t); t -= MINUTE) before += 1;
      let after = 0;
      for (let t = s + chairTime; t < interval.end && free(t); t += MINUTE) after += 1;
      const limit = chairTime / MINUTE;
      fragmentation[id] = (before > 0 && before < limit ? before : 0) + (after > 0 && after < limit ? after : 0);
    }
  }

  let clinicianShiftIds: string[] = [];
  if (kind.needsClinician) {
    clinicianShiftIds = capacity.shifts
      .filter((x) => x.role === 'clinician')
      .filter((x) =>
        every(s, s + visit, (t) => covers(x, t) && !capacity.bookings.some((b) => b.clinicianShiftId === x.id && covers(b, t))),
      )
      .map((x) => x.id);
    clinicianShiftIds.sort();
    if (clinicianShiftIds.length === 0) return { ok: false, reason: 'no-clinician' };
  }
  return { ok: true, chairIds, clinicianShiftIds, fragmentation };
}
