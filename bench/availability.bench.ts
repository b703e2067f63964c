import { capacitySummary, computeAvailability } from '../libs/domain/src/availability';
import type { ActiveBooking, ClinicCapacity, StaffShift, VisitKindSpec } from '../libs/domain/src/availability';
import { addDays, isoWeekday, localDateRange, localToInstant } from '../libs/domain/src/time';

/**
 * Availability benchmark: one busy clinic, three weeks, the iv-infusion grid.
 *
 * 20 iv-capable chairs, Monday–Saturday 07:00–19:00 in America/New_York (the range spans the
 * 2027-03-14 clock change), 8 nurses a day on two overlapping shifts, about 75% of chair time
 * pre-booked by a seeded PRNG so every run sees the same clinic. Reports the median and p99 of
 * computeAvailability over the whole range, in milliseconds. Target: median ≤ 5, p99 ≤ 20.
 */

const ZONE = 'America/New_York';
const FROM = '2027-03-01';
const DAYS = 21;
const CHAIRS = 20;
const WARM_UP_RUNS = 30;
const MEASURED_RUNS = 300;
const MINUTE = 60_000;

const IV: VisitKindSpec = {
  key: 'iv-infusion',
  needsChair: true,
  needsClinician: false,
  capability: 'iv-infusion',
  prepMinutes: 10,
  treatmentMinutes: 40,
  recoveryMinutes: 30,
  turnoverMinutes: 10,
};

/** mulberry32: tiny, fast and deterministic, which is all a fixture needs. */
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

export function buildClinic(seed = 20270301): ClinicCapacity {
  const random = prng(seed);
  const dates = localDateRange(FROM, addDays(FROM, DAYS - 1)).filter((d) => isoWeekday(d) <= 6);
  const chairs = Array.from({ length: CHAIRS }, (_, i) => ({
    id: `chair-${String(i + 1).padStart(2, '0')}`,
    capabilities: ['iv-infusion', 'im-injection'],
  }));
  const shifts: StaffShift[] = [];
  const bookings: ActiveBooking[] = [];
  const chairMinutes = IV.prepMinutes + IV.treatmentMinutes + IV.recoveryMinutes + IV.turnoverMinutes;
  for (const date of dates) {
    for (let n = 0; n < 4; n++) {
      shifts.push({
        id: `${date}-early-${n}`,
        role: 'nurse',
        start: localToInstant(date, '07:00', ZONE),
        end: localToInstant(date, '15:00', ZONE),
      });
      shifts.push({
        id: `${date}-late-${n}`,
        role: 'nurse',
        start: localToInstant(date, '11:00', ZONE),
        end: localToInstant(date, '19:00', ZONE),
      });
    }
    const closes = localToInstant(date, '19:00', ZONE);
    for (const chair of chairs) {
      // Walk the day in 15-minute steps, seating a patient with a probability that fills ~75%.
      let t = localToInstant(date, '07:00', ZONE);
      while (t + chairMinutes * MINUTE <= closes) {
        if (random() < 0.37) {
          const end = t + (chairMinutes - IV.turnoverMinutes) * MINUTE;
          bookings.push({
            id: `b${bookings.length}`,
            chairId: chair.id,
            clinicianShiftId: null,
            start: t,
            end,
            chairReleasedAt: end + IV.turnoverMinutes * MINUTE,
          });
          t += chairMinutes * MINUTE;
        } else {
          t += 15 * MINUTE;
        }
      }
    }
  }
  return {
    zone: ZONE,
    slotMinutes: 15,
    nurseRatio: 4,
    weeklyHours: [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '07:00', closes: '19:00' })),
    closures: [],
    chairs,
    chairBlocks: [],
    shifts,
    bookings,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function run(): Promise<{ name: string; median: number; p99: number; runs: number }> {
  const capacity = buildClinic();
  const query = { kind: IV, fromDate: FROM, toDate: addDays(FROM, DAYS - 1), now: localToInstant(addDays(FROM, -1), '00:00', ZONE) };
  for (let i = 0; i < WARM_UP_RUNS; i++) computeAvailability(capacity, query);
  const samples: number[] = [];
  for (let i = 0; i < MEASURED_RUNS; i++) {
    const started = process.hrtime.bigint();
    computeAvailability(capacity, query);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return { name: 'availability', median: round(percentile(samples, 50)), p99: round(percentile(samples, 99)), runs: MEASURED_RUNS };
}

if (require.main === module) {
  run()
    .then((result) => {
      const capacity = buildClinic();
      const toDate = addDays(FROM, DAYS - 1);
      const slots = computeAvailability(capacity, { kind: IV, fromDate: FROM, toDate, now: 0 }).length;
      const { utilization } = capacitySummary(capacity, FROM, toDate);
      const fixture = {
        chairs: CHAIRS,
        days: DAYS,
        bookings: capacity.bookings.length,
        utilization: Math.round(utilization * 1000) / 1000,
        slots,
      };
      // stdout carries exactly one JSON line so a runner can parse it.
      process.stdout.write(`${JSON.stringify({ ...result, fixture })}\n`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    });
}
