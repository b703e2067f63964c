import { DateTime } from 'luxon';
import { validateSeries } from '../protocols/series-validator';
import type { CandidateSlot, PlanInput } from './planning.types';

/**
 * Brute-force reference for planSeries, for property tests only. Written to be obviously right
 * rather than fast, and independently of the planner: it reads wall clocks with luxon DateTime
 * (not the planner's calendar helpers), tries every increasing sequence of (slot, chair) picks,
 * asks validateSeries — the specification of the rules — about each, and ranks the survivors by
 * the order documented on planSeries. Exponential: small instances only.
 */

export interface OraclePick {
  start: number;
  end: number;
  released: number;
  chairId: string;
  minute: number;
  windowRank: number;
  frag: number;
}

export interface OraclePlan {
  picks: OraclePick[];
  key: number[];
}

const minutesOf = (hhmm: string) => (hhmm === '24:00' ? 1440 : Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5)));

function picksOf(input: PlanInput): OraclePick[] {
  const prefs = input.preferences ?? {};
  const out: OraclePick[] = [];
  const seen = new Set<string>();
  const sorted = [...input.candidates].sort((a, b) => a.start - b.start || a.end - b.end || a.chairReleasedAt - b.chairReleasedAt);
  for (const c of sorted) {
    if (c.start < input.earliestStart) continue;
    if (input.protocol.rules.repeat && input.anchor !== undefined && c.start <= input.anchor) continue;
    const local = DateTime.fromMillis(c.start, { zone: input.zone });
    if (prefs.weekdays && !prefs.weekdays.includes(local.weekday)) continue;
    const minute = local.hour * 60 + local.minute;
    let windowRank = 0;
    if (prefs.timeWindows) {
      windowRank = prefs.timeWindows.findIndex((w) => minute >= minutesOf(w.from) && minute < minutesOf(w.to));
      if (windowRank < 0) continue;
    }
    for (const chairId of c.chairIds) {
      if (seen.has(`${c.start}/${chairId}`)) continue;
      seen.add(`${c.start}/${chairId}`);
      out.push({ start: c.start, end: c.end, released: c.chairReleasedAt, chairId, minute, windowRank, frag: fragOf(c, chairId) });
    }
  }
  return out;
}

function fragOf(c: CandidateSlot, chairId: string): number {
  const f = c.fragmentation?.[chairId];
  return typeof f === 'number' && f > 0 ? f : 0;
}

/** Every valid plan (all chair variants), unranked. */
export function allValidPlans(input: PlanInput): OraclePick[][] {
  const picks = picksOf(input);
  const n = input.protocol.rules.visitCount;
  const found: OraclePick[][] = [];
  const valid = (seq: OraclePick[], complete: boolean) =>
    validateSeries(
      input.protocol,
      seq.map((p, i) => ({ sequence: i + 1, start: p.start })),
      input.zone,
      { anchor: input.anchor, requireComplete: complete },
    ).length === 0;
  const extend = (seq: OraclePick[]) => {
    if (seq.length === n) {
      if (valid(seq, true)) found.push(seq);
      return;
    }
    for (const p of picks) {
      const prev = seq[seq.length - 1];
      if (prev && p.start < prev.released) continue;
      const next = [...seq, p];
      if (valid(next, false)) extend(next);
    }
  };
  extend([]);
  return found;
}

/** Rank key of a plan, by the order documented on planSeries. */
export function oracleKey(input: PlanInput, picks: OraclePick[]): number[] {
  const last = picks[picks.length - 1];
  const offTime = picks.filter((p) => p.minute !== last.minute).length;
  const tier = input.preferences?.sameTimeOfDay && offTime > 0 ? 1 : 0;
  let deviation = 0;
  const repeat = input.protocol.rules.repeat;
  if (repeat) {
    const day = (ms: number) => DateTime.fromMillis(ms, { zone: input.zone }).startOf('day');
    const from = [input.anchor, ...picks.slice(0, -1).map((p) => p.start)];
    picks.forEach((p, i) => {
      const f = from[i];
      if (f !== undefined) deviation += Math.abs(Math.round(day(p.start).diff(day(f), 'days').days) - repeat.intervalDays);
    });
  }
  return [
    tier,
    deviation,
    last.end,
    offTime,
    picks.filter((p) => p.chairId !== last.chairId).length,
    picks.reduce((s, p) => s + p.windowRank, 0),
    picks.reduce((s, p) => s + Math.abs(p.minute - last.minute), 0),
    picks.reduce((s, p) => s + p.frag, 0),
  ];
}

function compare(a: OraclePlan, b: OraclePlan): number {
  for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return a.key[i] - b.key[i];
  for (let i = 0; i < a.picks.length; i++) if (a.picks[i].start !== b.picks[i].start) return a.picks[i].start - b.picks[i].start;
  for (let i = 0; i < a.picks.length; i++) {
    if (a.picks[i].chairId !== b.picks[i].chairId) return a.picks[i].chairId < b.picks[i].chairId ? -1 : 1;
  }
  return 0;
}

/** The best `input.limit` plans, one per distinct start sequence, best first. */
export function oraclePlans(input: PlanInput): OraclePlan[] {
  const ranked = allValidPlans(input)
    .map((picks) => ({ picks, key: oracleKey(input, picks) }))
    .sort(compare);
  const seen = new Set<string>();
  const out: OraclePlan[] = [];
  for (const plan of ranked) {
    const starts = plan.picks.map((p) => p.start).join(',');
    if (seen.has(starts)) continue;
    seen.add(starts);
    out.push(plan);
  }
  return out.slice(0, input.limit);
}
