import { DateTime } from 'luxon';
import { findDefaultProtocol } from '../protocols/default-protocols';
import type { Protocol, ProtocolRules } from '../protocols/protocol.types';
import type { CandidateSlot } from './planning.types';

/** Test builders for planning specs. */

export const NY = 'America/New_York';
export const BERLIN = 'Europe/Berlin';
const MINUTE = 60_000;

/** Instant of a clinic-local wall time '2027-03-01 09:00'. */
export function at(local: string, zone = NY): number {
  const dt = DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone });
  if (!dt.isValid) throw new Error(`bad test time ${local}`);
  return dt.toMillis();
}

/** Clinic-local 'yyyy-MM-dd HH:mm' of an instant. */
export const local = (ms: number, zone = NY): string => DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm');

export function protocol(key: string): Protocol {
  const p = findDefaultProtocol(key);
  if (!p) throw new Error(`no protocol ${key}`);
  return p;
}

export const customProtocol = (rules: ProtocolRules): Protocol => ({
  key: 'custom',
  version: 1,
  name: 'Custom',
  visitKind: 'iv-infusion',
  rules,
});

export interface SlotOptions {
  zone?: string;
  /** Patient time; default 80 (IV: prep 10 + treatment 40 + recovery 30). */
  minutes?: number;
  /** Chair time; default 90 (adds 10 turnover). */
  chairMinutes?: number;
  fragmentation?: Record<string, number>;
}

/** One candidate at a local wall time. */
export function slot(localTime: string, chairIds: string[], o: SlotOptions = {}): CandidateSlot {
  const start = at(localTime, o.zone ?? NY);
  return {
    start,
    end: start + (o.minutes ?? 80) * MINUTE,
    chairReleasedAt: start + (o.chairMinutes ?? 90) * MINUTE,
    chairIds: [...chairIds].sort(),
    ...(o.fragmentation ? { fragmentation: o.fragmentation } : {}),
  };
}

/** Candidates at the same wall times on every day of a range whose ISO weekday is listed (default Mon–Fri). */
export function grid(o: {
  from: string;
  days: number;
  times: string[];
  chairs: string[];
  weekdays?: number[];
  zone?: string;
}): CandidateSlot[] {
  const out: CandidateSlot[] = [];
  const first = DateTime.fromISO(o.from, { zone: 'utc' });
  for (let d = 0; d < o.days; d++) {
    const date = first.plus({ days: d });
    if (!(o.weekdays ?? [1, 2, 3, 4, 5]).includes(date.weekday)) continue;
    for (const t of o.times) out.push(slot(`${date.toISODate()} ${t}`, o.chairs, { zone: o.zone }));
  }
  return out;
}
