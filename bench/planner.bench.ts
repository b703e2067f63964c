/// <reference types="node" />
import { DateTime } from 'luxon';
import { findDefaultProtocol } from '../libs/domain/src/protocols/default-protocols';
import type { Protocol } from '../libs/domain/src/protocols/protocol.types';
import { planSeries } from '../libs/domain/src/planning/plan-series';
import type { CandidateSlot, PlanInput, PlanPreferences } from '../libs/domain/src/planning/planning.types';

/**
 * Planner benchmark: the best 5 IV-induction plans in a busy clinic.
 *
 * Clinic: 20 chairs, America/New_York (the window spans the 2027-03-14 DST change), open
 * Mon–Sat 07:00–19:00 on a 15-minute grid, 21 days from Monday 2027-03-01, 75% of chair time
 * already booked. Candidates are built directly, as the availability engine would report them:
 * for each day and grid start, the chairs free for a whole IV chair time (90 min; the patient
 * leaves after 80), with the fragmentation each placement would leave (see buildDirectCandidates;
 * buildCandidates is the sparser variant from simulated bookings).
 *
 * Deterministic: a seeded PRNG builds INSTANCES clinics; the timed runs cycle through them, so the
 * percentiles cover different bookings rather than one input repeated.
 *
 * Run (TypeScript 6 needs --ignoreConfig with files on the command line; NODE_PATH lets the
 * output outside the repo find luxon):
 *   npx tsc --ignoreConfig --outDir /tmp/plannerbench --rootDir . --module commonjs --target es2022 \
 *     --esModuleInterop --skipLibCheck bench/planner.bench.ts
 *   NODE_PATH=$PWD/node_modules node /tmp/plannerbench/bench/planner.bench.js
 */

const ZONE = 'America/New_York';
const FIRST_DAY = '2027-03-01';
const DAYS = 21;
const CHAIRS = 20;
const CELL_MIN = 15;
const OPEN_MIN = 7 * 60;
const CELLS = (12 * 60) / CELL_MIN; // 07:00–19:00
const CHAIR_CELLS = 90 / CELL_MIN;
const BOOKED = 0.75;
const INSTANCES = 10;
const WARMUP = 30;
const RUNS = 220;

/** mulberry32: small, seedable, good enough to scatter bookings. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One chair-day: busy cells from random bookings of 60–150 min until 75% of the day is taken. */
function bookDay(rand: () => number): boolean[] {
  const busy = new Array<boolean>(CELLS).fill(false);
  const target = Math.round(CELLS * BOOKED);
  let taken = 0;
  for (let attempt = 0; taken < target && attempt < 500; attempt++) {
    const len = Math.min(4 + Math.floor(rand() * 7), target - taken); // 4–10 cells
    const at = Math.floor(rand() * (CELLS - len + 1));
    if (busy.slice(at, at + len).some(Boolean)) continue;
    for (let c = at; c < at + len; c++) busy[c] = true;
    taken += len;
  }
  // Whatever random blocks could not place is booked cell by cell from a random point.
  for (let c = Math.floor(rand() * CELLS); taken < target; c = (c + 1) % CELLS) {
    if (!busy[c]) {
      busy[c] = true;
      taken++;
    }
  }
  return busy;
}

/**
 * Candidates built directly, as the brief allows: at each day and grid start, each chair is free
 * for the next 90 minutes with probability 25%, independently. Denser than real bookings leave
 * (~5 chairs at every start), so it is the harder input: the benchmark of record.
 */
export function buildDirectCandidates(seed: number): CandidateSlot[] {
  const rand = prng(seed);
  const out: CandidateSlot[] = [];
  const first = DateTime.fromISO(FIRST_DAY, { zone: ZONE });
  for (let d = 0; d < DAYS; d++) {
    const date = first.plus({ days: d });
    if (date.weekday === 7) continue;
    for (let g = 0; g + CHAIR_CELLS <= CELLS; g++) {
      const chairIds: string[] = [];
      const fragmentation: Record<string, number> = {};
      for (let c = 0; c < CHAIRS; c++) {
        if (rand() >= 1 - BOOKED) continue;
        const id = `chair-${String(c + 1).padStart(2, '0')}`;
        chairIds.push(id);
        fragmentation[id] = Math.floor(rand() * 6) * CELL_MIN;
      }
      if (chairIds.length === 0) continue;
      const start = date
        .set({ hour: 0, minute: 0 })
        .plus({ minutes: OPEN_MIN + g * CELL_MIN })
        .toMillis();
      out.push({ start, end: start + 80 * 60_000, chairReleasedAt: start + 90 * 60_000, chairIds, fragmentation });
    }
  }
  return out;
}

/**
 * Candidates from simulated bookings: each chair-day is filled with random 60–150-minute
 * bookings until 75% of it is taken; a chair is a candidate where it is free for 90 minutes.
 * Random bookings leave free time in scraps, so this input is sparse (~150 slots in 21 days).
 */
export function buildCandidates(seed: number): CandidateSlot[] {
  const rand = prng(seed);
  const out: CandidateSlot[] = [];
  const first = DateTime.fromISO(FIRST_DAY, { zone: ZONE });
  for (let d = 0; d < DAYS; d++) {
    const date = first.plus({ days: d });
    if (date.weekday === 7) continue;
    const chairs = Array.from({ length: CHAIRS }, () => bookDay(rand));
    for (let g = 0; g + CHAIR_CELLS <= CELLS; g++) {
      const chairIds: string[] = [];
      const fragmentation: Record<string, number> = {};
      chairs.forEach((busy, c) => {
        if (busy.slice(g, g + CHAIR_CELLS).some(Boolean)) return;
        const id = `chair-${String(c + 1).padStart(2, '0')}`;
        chairIds.push(id);
        let before = 0;
        while (g - before - 1 >= 0 && !busy[g - before - 1]) before++;
        let after = 0;
        while (g + CHAIR_CELLS + after < CELLS && !busy[g + CHAIR_CELLS + after]) after++;
        // A free gap shorter than one chair time can never be sold: that is the stranded time.
        fragmentation[id] = ((before < CHAIR_CELLS ? before : 0) + (after < CHAIR_CELLS ? after : 0)) * CELL_MIN;
      });
      if (chairIds.length === 0) continue;
      const start = date
        .set({ hour: 0, minute: 0 })
        .plus({ minutes: OPEN_MIN + g * CELL_MIN })
        .toMillis();
      out.push({ start, end: start + 80 * 60_000, chairReleasedAt: start + 90 * 60_000, chairIds, fragmentation });
    }
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Times `planSeries` over the instances; milliseconds. */
export async function runScenario(
  name: string,
  protocol: Protocol,
  preferences?: PlanPreferences,
  build: (seed: number) => CandidateSlot[] = buildDirectCandidates,
): Promise<{ name: string; median: number; p99: number; runs: number }> {
  const earliestStart = DateTime.fromISO(FIRST_DAY, { zone: ZONE }).toMillis();
  const inputs: PlanInput[] = Array.from({ length: INSTANCES }, (_, i) => ({
    protocol,
    zone: ZONE,
    earliestStart,
    candidates: build(1000 + i),
    preferences,
    limit: 5,
  }));
  for (let i = 0; i < WARMUP; i++) planSeries(inputs[i % INSTANCES]);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const plans = planSeries(inputs[i % INSTANCES]);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (plans.length === 0) throw new Error(`instance ${i % INSTANCES} found no plan`);
  }
  times.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { name, median: round(percentile(times, 50)), p99: round(percentile(times, 99)), runs: RUNS };
}

/** The benchmark of record: IV induction, best 5, no preferences. */
export async function run(): Promise<{ name: string; median: number; p99: number; runs: number }> {
  const protocol = findDefaultProtocol('iv-induction');
  if (!protocol) throw new Error('iv-induction missing');
  return runScenario('planner: iv-induction best 5, 20 chairs x 21 days, 75% booked', protocol);
}

if (require.main === module) {
  run()
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    });
}
