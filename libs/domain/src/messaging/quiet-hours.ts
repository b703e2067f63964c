import { DateTime, type IANAZone } from 'luxon';
import { DomainError } from '../shared/domain-error';
import { DAY_MS, fixOffset, zoneOf } from '../time/zone-math';

/** Local wall-clock window in which non-urgent messages are held back, e.g. 21:00–08:00. */
export interface QuietHours {
  /** Start, inclusive, `HH:mm`. */
  from: string;
  /** End, exclusive, `HH:mm`: the first minute messages may go out again. */
  to: string;
}

/** Default clinic setting. */
export const DEFAULT_QUIET_HOURS: Readonly<QuietHours> = Object.freeze({ from: '21:00', to: '08:00' });

/**
 * When and on which clock a patient's non-urgent messages may go out: the clinic's quiet hours
 * ({@link DEFAULT_QUIET_HOURS} when its settings have none), read on the patient's zone, else the
 * clinic's.
 */
export function patientMessageHours(
  clinic: { timezone: string; settings?: { quietHours?: QuietHours } | null },
  patient: { timezone: string | null },
): { quietHours: QuietHours; patientZone: string } {
  return {
    quietHours: clinic.settings?.quietHours ?? DEFAULT_QUIET_HOURS,
    patientZone: patient.timezone ?? clinic.timezone,
  };
}

const MINUTE = 60_000;
/** Minute of the day of wall ms (see zone-math). */
const minuteOfWall = (wall: number): number => Math.floor((((wall % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE);
/** Bound for the minute-by-minute fallbacks below, which only run around DST oddities. */
const MAX_SCAN_MINUTES = 2 * 24 * 60;

function parseHhMm(value: string, path: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  if (!m) throw new DomainError('validation', `${path} must be HH:mm`, { errors: [{ path, message: 'must be HH:mm (00:00–23:59)' }] });
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * Quiet hours resolved for one zone. Times are judged on the local wall clock in minutes, so a
 * window like 21:00–08:00 wraps midnight, and `from === to` means "no quiet hours".
 */
export class QuietWindow {
  private readonly from: number;
  private readonly to: number;
  /** The zone as its cached luxon object (offsets from a per-day cache, see `CachedIANAZone`). */
  private readonly tz: IANAZone;

  /** @throws DomainError `validation` for a malformed time or an unknown zone */
  constructor(
    hours: QuietHours,
    readonly zone: string,
  ) {
    this.from = parseHhMm(hours.from, 'quietHours.from');
    this.to = parseHhMm(hours.to, 'quietHours.to');
    // The cached check patients' and clinics' zones were accepted with: luxon's own builds a new
    // Intl formatter per call, and a window is made for every visit whose messages are planned.
    const tz = zoneOf(zone);
    if (!tz) {
      throw new DomainError('validation', `Unknown time zone ${zone}`, { errors: [{ path: 'zone', message: 'unknown IANA zone' }] });
    }
    this.tz = tz;
  }

  private get wraps(): boolean {
    return this.from > this.to;
  }

  private local(t: number): DateTime {
    return DateTime.fromMillis(t, { zone: this.tz });
  }

  /** Minute of the local day of `t` (luxon's `hour * 60 + minute`), from the zone's offset alone. */
  private minuteOfDay(t: number): number {
    return minuteOfWall(t + this.tz.offset(t) * MINUTE);
  }

  /** True when `t` falls inside the window on the patient's wall clock. */
  isQuiet(t: number): boolean {
    if (this.from === this.to) return false;
    const m = this.minuteOfDay(t);
    return this.wraps ? m >= this.from || m < this.to : m >= this.from && m < this.to;
  }

  /**
   * luxon's `startOf('day')` of the local day of `t`, moved `days` days with `plus({days})`, as
   * its instant and the offset luxon reads its wall clock with ({@link fixOffset}).
   */
  private dayStart(t: number, days: number): [number, number] {
    const o = this.tz.offset(t);
    let [ts, off] = fixOffset(this.tz, Math.floor((t + o * MINUTE) / DAY_MS) * DAY_MS, o);
    if (days !== 0) [ts, off] = fixOffset(this.tz, ts + off * MINUTE + days * DAY_MS, off);
    return [ts, off];
  }

  /**
   * luxon's `set({hour, minute})` on a day start: the instant whose wall time is `minute` on that
   * day, or null when it does not exist as such (a spring-forward gap), where callers fall back to
   * luxon and its minute-by-minute walk.
   */
  private wallTime([ts, off]: [number, number], minute: number): number | null {
    const [ms, o] = fixOffset(this.tz, Math.floor((ts + off * MINUTE) / DAY_MS) * DAY_MS + minute * MINUTE, off);
    return minuteOfWall(ms + o * MINUTE) === minute ? ms : null;
  }

  /** `t` itself when allowed, otherwise the first allowed instant after it (the `to` time). */
  nextAllowed(t: number): number {
    if (!this.isQuiet(t)) return t;
    const m = this.minuteOfDay(t);
    const candidate = this.wallTime(this.dayStart(t, this.wraps && m >= this.from ? 1 : 0), this.to);
    if (candidate === null) return this.nextAllowedByLuxon(t);
    if (candidate > t && !this.isQuiet(candidate)) return candidate;
    // Only reachable when `to` falls in a repeated fall-back hour; walk forward instead.
    return this.scan(t, +1);
  }

  /**
   * The latest allowed instant before the quiet run that contains `t`: one minute before the
   * window began (the `from` time on the evening it started). `t` itself when allowed.
   */
  lastAllowedBefore(t: number): number {
    if (!this.isQuiet(t)) return t;
    const m = this.minuteOfDay(t);
    const from = this.wallTime(this.dayStart(t, this.wraps && m < this.to ? -1 : 0), this.from);
    if (from === null) return this.lastAllowedBeforeByLuxon(t);
    const candidate = from - MINUTE;
    if (candidate < t && !this.isQuiet(candidate)) return candidate;
    return this.scan(t, -1);
  }

  /**
   * The first instant on `day` whose wall time is at or after `minute`. When that wall time does
   * not exist (spring-forward gap) luxon shifts it forward by the gap; the earliest instant past
   * the gap is found by stepping back, so a window boundary inside a gap is still exact.
   */
  private wallTimeOnOrAfter(day: DateTime, minute: number): number {
    const dt = day.set({ hour: Math.floor(minute / 60), minute: minute % 60, second: 0, millisecond: 0 });
    let ms = dt.toMillis();
    if (dt.hour * 60 + dt.minute === minute) return ms;
    for (let i = 0; i < MAX_SCAN_MINUTES; i++) {
      const prev = this.local(ms - MINUTE);
      if (!prev.hasSame(day, 'day') || prev.hour * 60 + prev.minute < minute) break;
      ms -= MINUTE;
    }
    return ms;
  }

  /** {@link nextAllowed} by luxon throughout: for a `to` time inside a DST gap. */
  private nextAllowedByLuxon(t: number): number {
    const local = this.local(t);
    const m = local.hour * 60 + local.minute;
    const day = this.wraps && m >= this.from ? local.startOf('day').plus({ days: 1 }) : local.startOf('day');
    const candidate = this.wallTimeOnOrAfter(day, this.to);
    if (candidate > t && !this.isQuiet(candidate)) return candidate;
    return this.scan(t, +1);
  }

  /** {@link lastAllowedBefore} by luxon throughout: for a `from` time inside a DST gap. */
  private lastAllowedBeforeByLuxon(t: number): number {
    const local = this.local(t);
    const m = local.hour * 60 + local.minute;
    const day = this.wraps && m < this.to ? local.startOf('day').minus({ days: 1 }) : local.startOf('day');
    const candidate = this.wallTimeOnOrAfter(day, this.from) - MINUTE;
    if (candidate < t && !this.isQuiet(candidate)) return candidate;
    return this.scan(t, -1);
  }

  private scan(t: number, direction: 1 | -1): number {
    let ms = t;
    for (let i = 0; i < MAX_SCAN_MINUTES && this.isQuiet(ms); i++) ms += direction * MINUTE;
    return ms;
  }
}

/** The {@link QuietWindow} a patient's non-urgent messages are timed in ({@link patientMessageHours}). */
export function patientQuietWindow(
  clinic: Parameters<typeof patientMessageHours>[0],
  patient: Parameters<typeof patientMessageHours>[1],
): QuietWindow {
  const { quietHours, patientZone } = patientMessageHours(clinic, patient);
  return new QuietWindow(quietHours, patientZone);
}
