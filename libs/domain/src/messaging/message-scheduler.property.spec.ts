import fc from 'fast-check';
import { DateTime } from 'luxon';
import { isUrgent, MESSAGE_ANCHORS, MESSAGE_KINDS } from './message-kinds';
import { DEFAULT_MESSAGE_PLAN, MessagePlanEntry, offsetApproxMs, parseMessageOffset } from './message-plan';
import { scheduleMessages, ScheduleMessagesInput } from './message-scheduler';

/**
 * Quiet-hours membership computed independently of QuietWindow, straight from the wall clock,
 * so the property does not trust the code it checks.
 */
function quietAt(t: number, zone: string, from: number, to: number): boolean {
  const l = DateTime.fromMillis(t, { zone });
  const m = l.hour * 60 + l.minute;
  if (from === to) return false;
  return from < to ? m >= from && m < to : m >= from || m < to;
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

const ZONES = [
  'America/New_York',
  'America/Los_Angeles',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'UTC',
  'America/Santiago',
];
const H = 3_600_000;
const YEAR_START = Date.UTC(2027, 0, 1);
/** US, EU and southern-hemisphere transition days, so DST is exercised, not just possible. */
const DST_DAYS = [
  Date.UTC(2027, 2, 14),
  Date.UTC(2027, 10, 7),
  Date.UTC(2027, 2, 28),
  Date.UTC(2027, 9, 31),
  Date.UTC(2027, 3, 4),
  Date.UTC(2027, 8, 5),
];

const instant = fc.oneof(
  fc.integer({ min: YEAR_START, max: YEAR_START + 365 * 24 * H }),
  fc.tuple(fc.constantFrom(...DST_DAYS), fc.integer({ min: -48 * H, max: 48 * H })).map(([d, o]) => d + o),
);

const offset = fc
  .tuple(fc.boolean(), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 72 }), fc.integer({ min: 0, max: 59 }))
  .map(([neg, d, h, m]) => `${neg ? '-' : ''}P${d ? `${d}D` : ''}T${h}H${m}M`);

const entry: fc.Arbitrary<MessagePlanEntry> = fc.record({
  kind: fc.constantFrom(...MESSAGE_KINDS),
  visitKinds: fc.constant(['iv-infusion']),
  offset,
  anchor: fc.constantFrom(...MESSAGE_ANCHORS),
});

const scenario = fc
  .record({
    start: instant,
    bookedBefore: fc.integer({ min: 0, max: 40 * 24 * H }),
    nowAfterBooking: fc.integer({ min: 0, max: 40 * 24 * H }),
    chairMinutes: fc.integer({ min: 30, max: 300 }),
    courseEndAfter: fc.option(fc.integer({ min: 0, max: 30 * 24 * H }), { nil: undefined }),
    zone: fc.constantFrom(...ZONES),
    from: fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.constantFrom(21 * 60, 22 * 60, 150, 120)),
    to: fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.constantFrom(8 * 60, 7 * 60, 150, 180)),
    extra: fc.array(entry, { maxLength: 12 }),
  })
  .map((s) => {
    const bookedAt = s.start - s.bookedBefore;
    const input: ScheduleMessagesInput = {
      plan: [...DEFAULT_MESSAGE_PLAN, ...s.extra],
      visit: { kind: 'iv-infusion', start: s.start, chairReleasedAt: s.start + s.chairMinutes * 60_000, bookedAt },
      courseEnd: s.courseEndAfter === undefined ? undefined : s.start + s.courseEndAfter,
      patientZone: s.zone,
      quietHours: { from: hhmm(s.from), to: hhmm(s.to) },
      now: Math.min(bookedAt + s.nowAfterBooking, s.start + 60 * 24 * H),
    };
    return { input, from: s.from, to: s.to };
  });

describe('scheduleMessages properties', () => {
  it('never schedules a non-urgent message inside quiet hours, nor before plannedAt except a documented pull-back', () => {
    fc.assert(
      fc.property(scenario, ({ input, from, to }) => {
        const out = scheduleMessages(input);
        for (const m of out) {
          if (m.status === 'skipped') {
            expect(m.sendAt).toBe(m.plannedAt);
            continue;
          }
          expect(m.sendAt).toBeGreaterThanOrEqual(input.now);
          if (!isUrgent(m.kind)) expect(quietAt(m.sendAt, input.patientZone, from, to)).toBe(false);
          if (m.adjustment === 'pulled-back') {
            expect(m.anchor === 'start' || m.anchor === 'booking').toBe(true);
            expect(m.sendAt).toBeLessThan(m.plannedAt);
            expect(m.sendAt).toBeLessThan(input.visit.start);
          } else {
            expect(m.sendAt).toBeGreaterThanOrEqual(m.plannedAt);
          }
          if (m.adjustment === 'deferred') {
            // Deferred to the first allowed minute: the minute before is still quiet. Never more
            // than a day, plus one more when a DST gap swallows a one-minute allowed window.
            expect(m.sendAt - Math.max(m.plannedAt, input.now)).toBeLessThanOrEqual(49 * H);
            if (m.sendAt - 60_000 >= Math.max(m.plannedAt, input.now)) {
              expect(quietAt(m.sendAt - 60_000, input.patientZone, from, to)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 600 },
    );
  });

  it('skips exactly the messages planned at or before now (the booking confirmation aside), and sorts by sendAt then kind', () => {
    fc.assert(
      fc.property(scenario, ({ input }) => {
        const out = scheduleMessages(input);
        for (const m of out) {
          const zero = offsetApproxMs(parseMessageOffset(m.offset)!) === 0;
          const confirmation = m.anchor === 'booking' && zero && input.now < input.visit.start;
          expect(m.skipReason === 'past').toBe(m.plannedAt <= input.now && !confirmation);
        }
        for (let i = 1; i < out.length; i++) {
          const [a, b] = [out[i - 1], out[i]];
          expect(a.sendAt < b.sendAt || (a.sendAt === b.sendAt && a.kind <= b.kind)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
