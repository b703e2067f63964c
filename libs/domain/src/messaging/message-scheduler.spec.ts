import { DateTime } from 'luxon';
import { DomainError } from '../shared/domain-error';
import { DEFAULT_MESSAGE_PLAN, MessagePlanEntry } from './message-plan';
import { isUrgent, MESSAGE_KINDS } from './message-kinds';
import { ScheduledMessage, scheduleMessages, ScheduleMessagesInput } from './message-scheduler';

const NY = 'America/New_York';
const LA = 'America/Los_Angeles';
const H = 3_600_000;
const at = (local: string, zone = NY) => DateTime.fromISO(local, { zone }).toMillis();
const local = (ms: number, zone = NY) => DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");
const QUIET = { from: '21:00', to: '08:00' };

/** An IV infusion: chair from `start`, released 90 min later (10 prep + 40 + 30 + 10 turnover). */
function input(startLocal: string, patch: Partial<ScheduleMessagesInput> = {}, zone = NY): ScheduleMessagesInput {
  const start = at(startLocal, zone);
  const bookedAt = start - 10 * 24 * H;
  return {
    plan: DEFAULT_MESSAGE_PLAN,
    visit: { kind: 'iv-infusion', start, chairReleasedAt: start + 1.5 * H, bookedAt },
    patientZone: zone,
    quietHours: QUIET,
    now: bookedAt,
    ...patch,
  };
}

const summary = (ms: ScheduledMessage[], zone = NY) =>
  ms.map((m) => [m.kind, m.offset, m.status === 'scheduled' ? local(m.sendAt, zone) : `skipped:${m.skipReason}`, m.adjustment ?? '']);

describe('scheduleMessages: the default plan', () => {
  it('resolves every message of an IV infusion booked ten days ahead', () => {
    const i = input('2027-03-09T10:00', { courseEnd: at('2027-03-20T11:30') });
    expect(summary(scheduleMessages(i))).toEqual([
      ['booking-confirmation', 'PT0S', '2027-02-27T10:00', ''],
      ['preparation', '-PT72H', '2027-03-06T10:00', ''],
      ['ride-request', '-PT48H', '2027-03-07T10:00', ''],
      ['reminder', '-PT24H', '2027-03-08T10:00', ''],
      ['final-reminder', '-PT3H', '2027-03-09T08:00', 'deferred'],
      ['side-effects-check-in', 'PT3H', '2027-03-09T14:30', ''],
      ['next-day-check-in', 'P1D', '2027-03-10T11:30', ''],
      // The course ends after spring-forward: calendar days keep 11:30 on the wall clock.
      ['phq9-check-in', 'P7D', '2027-03-27T11:30', ''],
      ['phq9-check-in', 'P14D', '2027-04-03T11:30', ''],
      ['phq9-check-in', 'P19D', '2027-04-08T11:30', ''],
      ['booster-due', 'P28D', '2027-04-17T11:30', ''],
      ['booster-due', 'P56D', '2027-05-15T11:30', ''],
      ['booster-due', 'P84D', '2027-06-12T11:30', ''],
    ]);
  });

  it('leaves course-end entries out until the course end is known, and chair-release ones without a chair', () => {
    const i = input('2027-03-09T10:00');
    const kinds = scheduleMessages({ ...i, visit: { ...i.visit, chairReleasedAt: null } }).map((m) => m.kind);
    expect(kinds).toEqual(['booking-confirmation', 'preparation', 'ride-request', 'reminder', 'final-reminder']);
  });

  it('gives a consult only its confirmation and reminders', () => {
    const i = input('2027-03-09T14:00', { courseEnd: at('2027-03-20T11:30') });
    const kinds = scheduleMessages({ ...i, visit: { ...i.visit, kind: 'intake', chairReleasedAt: null } }).map((m) => m.kind);
    expect(kinds).toEqual(['booking-confirmation', 'reminder', 'final-reminder']);
  });

  it('skips nothing for a kind no entry names', () => {
    const i = input('2027-03-09T14:00');
    expect(scheduleMessages({ ...i, visit: { ...i.visit, kind: 'massage' } })).toEqual([]);
  });
});

describe('scheduleMessages: past messages', () => {
  const i = input('2027-03-09T10:00');

  it('skips what was due before the booking and sends the confirmation now', () => {
    const now = at('2027-03-08T09:00'); // booked 25 h ahead: T−72 h and T−48 h have passed
    const out = scheduleMessages({ ...i, now, visit: { ...i.visit, bookedAt: now } });
    expect(summary(out)).toEqual([
      ['preparation', '-PT72H', 'skipped:past', ''],
      ['ride-request', '-PT48H', 'skipped:past', ''],
      ['booking-confirmation', 'PT0S', '2027-03-08T09:00', ''],
      ['reminder', '-PT24H', '2027-03-08T10:00', ''],
      ['final-reminder', '-PT3H', '2027-03-09T08:00', 'deferred'],
      ['side-effects-check-in', 'PT3H', '2027-03-09T14:30', ''],
      ['next-day-check-in', 'P1D', '2027-03-10T11:30', ''],
    ]);
    const skipped = out.filter((m) => m.status === 'skipped');
    for (const m of skipped) expect(m.sendAt).toBe(m.plannedAt);
  });

  it.each([
    [0, 'skipped'],
    [-1, 'scheduled'],
  ])('a message planned exactly at now%+i ms is %s', (delta, status) => {
    const plannedAt = at('2027-03-08T10:00');
    const out = scheduleMessages({ ...i, now: plannedAt + delta });
    expect(out.find((m) => m.kind === 'reminder')?.status).toBe(status);
  });

  it('sends a confirmation scheduled late (a worker running behind) at now, not skipped', () => {
    const out = scheduleMessages({ ...i, now: i.visit.bookedAt + 5 * 60_000 });
    expect(out[0]).toMatchObject({ kind: 'booking-confirmation', status: 'scheduled', sendAt: i.visit.bookedAt + 5 * 60_000 });
  });

  it('but not once the visit has started', () => {
    const out = scheduleMessages({ ...i, now: i.visit.start });
    expect(out.find((m) => m.kind === 'booking-confirmation')).toMatchObject({ status: 'skipped', skipReason: 'past' });
  });
});

describe('scheduleMessages: quiet hours and the pull-back before the visit', () => {
  it('defers to the end of quiet hours when that is still before the start', () => {
    const out = scheduleMessages(input('2027-03-09T09:00'));
    expect(summary(out).find(([k]) => k === 'final-reminder')).toEqual(['final-reminder', '-PT3H', '2027-03-09T08:00', 'deferred']);
  });

  it.each(['08:00', '07:00'])('pulls a T−3 h reminder for a %s visit back to 20:59 the evening before', (time) => {
    const out = scheduleMessages(input(`2027-03-09T${time}`));
    const m = out.find((x) => x.kind === 'final-reminder')!;
    expect(local(m.sendAt)).toBe('2027-03-08T20:59');
    expect(m.adjustment).toBe('pulled-back');
    expect(m.sendAt).toBeLessThan(m.plannedAt);
  });

  it('skips with quiet-hours when the only allowed time before the visit has passed', () => {
    const start = at('2027-03-09T08:00');
    const now = at('2027-03-08T22:00'); // booked during quiet hours for the next morning
    const out = scheduleMessages({
      ...input('2027-03-09T08:00'),
      now,
      visit: { kind: 'iv-infusion', start, chairReleasedAt: start + 1.5 * H, bookedAt: now },
    });
    expect(summary(out).slice(0, 5)).toEqual([
      ['preparation', '-PT72H', 'skipped:past', ''],
      ['ride-request', '-PT48H', 'skipped:past', ''],
      ['reminder', '-PT24H', 'skipped:past', ''],
      ['booking-confirmation', 'PT0S', 'skipped:quiet-hours', ''],
      ['final-reminder', '-PT3H', 'skipped:quiet-hours', ''],
    ]);
  });

  it('defers post-visit messages past midnight without pulling them back', () => {
    const i = input('2027-03-09T17:00'); // released 18:30, T+3 h = 21:30
    const m = scheduleMessages(i).find((x) => x.kind === 'side-effects-check-in')!;
    expect(local(m.sendAt)).toBe('2027-03-10T08:00');
    expect(m.adjustment).toBe('deferred');
  });

  it("uses the patient's zone, not the clinic's: a 10:00 New York visit for a patient in Los Angeles", () => {
    // 10:00 EST is 07:00 PST; T−3 h is 04:00 in LA (quiet), and 08:00 LA is after the start.
    const start = at('2027-03-09T10:00', NY);
    const i = { ...input('2027-03-09T10:00'), patientZone: LA };
    const m = scheduleMessages({ ...i, visit: { ...i.visit, start } }).find((x) => x.kind === 'final-reminder')!;
    expect(local(m.sendAt, LA)).toBe('2027-03-08T20:59');
    expect(m.adjustment).toBe('pulled-back');
  });

  it('and the other way round: 07:00 in New York is not quiet for a patient there, though 04:00 in LA would be', () => {
    const start = at('2027-03-09T10:00', LA);
    const i = input('2027-03-09T10:00', {}, LA);
    const m = scheduleMessages({ ...i, patientZone: NY, visit: { ...i.visit, start } }).find((x) => x.kind === 'final-reminder')!;
    expect(local(m.sendAt, NY)).toBe('2027-03-09T10:00');
    expect(m.adjustment).toBeUndefined();
  });

  it('on the spring-forward day, hours are real hours and 08:00 is EDT', () => {
    const start = at('2027-03-14T10:00'); // EDT
    const out = scheduleMessages(input('2027-03-14T10:00'));
    const reminder = out.find((x) => x.kind === 'reminder')!;
    // 24 real hours before 10:00 EDT is 09:00 EST the day before.
    expect(DateTime.fromMillis(reminder.sendAt, { zone: NY }).toISO()).toBe('2027-03-13T09:00:00.000-05:00');
    expect(start - reminder.plannedAt).toBe(24 * H);
    const final = out.find((x) => x.kind === 'final-reminder')!;
    expect(DateTime.fromMillis(final.plannedAt, { zone: NY }).toISO()).toBe('2027-03-14T07:00:00.000-04:00');
    expect(DateTime.fromMillis(final.sendAt, { zone: NY }).toISO()).toBe('2027-03-14T08:00:00.000-04:00');
  });

  it('on the spring-forward night, a message planned before the gap is deferred to 08:00 EDT', () => {
    // 9 real hours before 11:30 EDT is 01:30 EST (wall clock 10 h earlier: the gap hour is skipped).
    const plan: MessagePlanEntry[] = [{ kind: 'final-reminder', visitKinds: ['iv-infusion'], offset: '-PT9H', anchor: 'start' }];
    const [m] = scheduleMessages(input('2027-03-14T11:30', { plan }));
    expect(DateTime.fromMillis(m.plannedAt, { zone: NY }).toISO()).toBe('2027-03-14T01:30:00.000-05:00');
    expect(DateTime.fromMillis(m.sendAt, { zone: NY }).toISO()).toBe('2027-03-14T08:00:00.000-04:00');
  });

  it('on the spring-forward day, -PT72H lands an hour earlier on the wall clock', () => {
    const m = scheduleMessages(input('2027-03-16T10:00')).find((x) => x.kind === 'preparation')!;
    expect(local(m.sendAt)).toBe('2027-03-13T09:00');
  });

  it('on the fall-back day, a 07:30 EST visit pulls its final reminder to 20:59 EDT', () => {
    const m = scheduleMessages(input('2027-11-07T07:30')).find((x) => x.kind === 'final-reminder')!;
    expect(DateTime.fromMillis(m.sendAt, { zone: NY }).toISO()).toBe('2027-11-06T20:59:00.000-04:00');
  });
});

describe('scheduleMessages: urgency and order', () => {
  it('never holds crisis resources for quiet hours', () => {
    expect(MESSAGE_KINDS.filter(isUrgent)).toEqual(['crisis-resources']);
    const plan: MessagePlanEntry[] = [{ kind: 'crisis-resources', visitKinds: ['iv-infusion'], offset: 'PT12H', anchor: 'chair-release' }];
    const i = input('2027-03-09T10:00', { plan });
    const [m] = scheduleMessages(i);
    expect(local(m.sendAt)).toBe('2027-03-09T23:30');
    expect(m.adjustment).toBeUndefined();
  });

  it('orders by sendAt then kind, whatever the plan order', () => {
    const plan: MessagePlanEntry[] = [
      { kind: 'reminder', visitKinds: ['iv-infusion'], offset: '-PT26H', anchor: 'start' },
      { kind: 'ride-request', visitKinds: ['iv-infusion'], offset: '-PT27H', anchor: 'start' },
      { kind: 'preparation', visitKinds: ['iv-infusion'], offset: '-PT28H', anchor: 'start' },
    ];
    const i = input('2027-03-09T09:00', { plan });
    const forward = scheduleMessages(i);
    expect(forward.map((m) => [m.kind, local(m.sendAt)])).toEqual([
      ['preparation', '2027-03-08T08:00'],
      ['reminder', '2027-03-08T08:00'],
      ['ride-request', '2027-03-08T08:00'],
    ]);
    expect(scheduleMessages({ ...i, plan: [...plan].reverse() })).toEqual(forward);
  });

  it('passes a forced channel through', () => {
    const plan: MessagePlanEntry[] = [
      { kind: 'reminder', visitKinds: ['iv-infusion'], offset: '-PT24H', anchor: 'start', channel: 'email' },
    ];
    expect(scheduleMessages(input('2027-03-09T12:00', { plan }))[0].channel).toBe('email');
  });
});

describe('scheduleMessages: validation', () => {
  it.each([
    [{ patientZone: 'Atlantis/Central' }, 'zone'],
    [{ quietHours: { from: '21:00', to: '8am' } }, 'quietHours.to'],
    [{ now: Number.NaN }, 'now'],
    [{ plan: [{ kind: 'reminder', visitKinds: ['iv-infusion'], offset: '-1 day', anchor: 'start' }] }, '[0].offset'],
  ] as [Partial<ScheduleMessagesInput>, string][])('%j → 400 at %s', (patch, path) => {
    expect.assertions(2);
    try {
      scheduleMessages(input('2027-03-09T10:00', patch));
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).details.errors).toEqual([expect.objectContaining({ path })]);
    }
  });
});
