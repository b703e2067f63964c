import { DateTime } from 'luxon';
import { DomainError } from '../shared/domain-error';
import { applyMessageOffset, DEFAULT_MESSAGE_PLAN, MessagePlanEntry, parseMessageOffset, validateMessagePlan } from './message-plan';

function errorPaths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError && e.code === 'validation') return (e.details.errors as { path: string }[]).map((x) => x.path);
    throw e;
  }
  throw new Error('expected a validation error');
}

const entry = (patch: Partial<Record<keyof MessagePlanEntry, unknown>>) => ({
  kind: 'reminder',
  visitKinds: ['iv-infusion'],
  offset: '-PT24H',
  anchor: 'start',
  ...patch,
});

describe('DEFAULT_MESSAGE_PLAN', () => {
  it('is itself a valid plan', () => {
    expect(validateMessagePlan(DEFAULT_MESSAGE_PLAN)).toEqual(DEFAULT_MESSAGE_PLAN);
  });

  it('follows the table in DOMAIN.md', () => {
    const row = (kind: string, offset: string) => DEFAULT_MESSAGE_PLAN.find((e) => e.kind === kind && e.offset === offset);
    expect(row('booking-confirmation', 'PT0S')).toMatchObject({ anchor: 'booking' });
    for (const [kind, offset] of [
      ['preparation', '-PT72H'],
      ['ride-request', '-PT48H'],
      ['reminder', '-PT24H'],
      ['final-reminder', '-PT3H'],
    ]) {
      expect(row(kind, offset)).toMatchObject({ anchor: 'start' });
      expect(row(kind, offset)?.visitKinds).toEqual(expect.arrayContaining(['iv-infusion', 'im-injection', 'spravato']));
    }
    expect(row('reminder', '-PT24H')?.visitKinds).toEqual(expect.arrayContaining(['intake', 'follow-up']));
    expect(row('preparation', '-PT72H')?.visitKinds).not.toContain('intake');
    expect(row('side-effects-check-in', 'PT3H')).toMatchObject({ anchor: 'chair-release' });
    expect(row('next-day-check-in', 'P1D')).toMatchObject({ anchor: 'chair-release' });
    for (const offset of ['P7D', 'P14D', 'P19D']) {
      expect(row('phq9-check-in', offset)).toMatchObject({ anchor: 'course-end', visitKinds: ['iv-infusion', 'im-injection'] });
    }
    // "Booster due at +28 days, then monthly": every four weeks, three times.
    for (const offset of ['P28D', 'P56D', 'P84D']) {
      expect(row('booster-due', offset)).toMatchObject({ anchor: 'course-end', visitKinds: ['iv-infusion', 'im-injection'] });
    }
    expect(DEFAULT_MESSAGE_PLAN.filter((e) => e.kind === 'booster-due')).toHaveLength(3);
    expect(DEFAULT_MESSAGE_PLAN.map((e) => e.kind)).not.toContain('crisis-resources');
  });
});

describe('parseMessageOffset', () => {
  it.each([
    ['PT0S', { sign: 1, days: 0, ms: 0 }],
    ['-PT72H', { sign: -1, days: 0, ms: 72 * 3_600_000 }],
    ['+PT3H', { sign: 1, days: 0, ms: 3 * 3_600_000 }],
    ['P1D', { sign: 1, days: 1, ms: 0 }],
    ['P2W', { sign: 1, days: 14, ms: 0 }],
    ['P1DT2H30M15S', { sign: 1, days: 1, ms: (2 * 3600 + 30 * 60 + 15) * 1000 }],
    ['-PT90M', { sign: -1, days: 0, ms: 90 * 60_000 }],
  ])('%s', (text, parsed) => {
    expect(parseMessageOffset(text)).toEqual(parsed);
  });

  it.each(['', 'P', 'PT', 'P1DT', '72H', '-72H', 'P1M', 'P1Y', 'PT1.5H', 'PT-3H', 'P1H', 'pt3h', '--PT3H', 'P1D ', 'PT3H-'])(
    'refuses %j',
    (text) => {
      expect(parseMessageOffset(text)).toBeNull();
    },
  );
});

describe('applyMessageOffset', () => {
  const zone = 'America/New_York';
  const at = (iso: string) => DateTime.fromISO(iso, { zone }).toMillis();
  const iso = (ms: number) => DateTime.fromMillis(ms, { zone }).toISO();

  it('moves days on the wall clock across spring-forward (P1D keeps 15:00)', () => {
    expect(iso(applyMessageOffset(at('2027-03-13T15:00'), parseMessageOffset('P1D')!, zone))).toBe('2027-03-14T15:00:00.000-04:00');
  });

  it('moves hours exactly across spring-forward (-PT72H is 72 real hours)', () => {
    expect(iso(applyMessageOffset(at('2027-03-16T10:00'), parseMessageOffset('-PT72H')!, zone))).toBe('2027-03-13T09:00:00.000-05:00');
  });

  it('moves days on the wall clock across fall-back', () => {
    expect(iso(applyMessageOffset(at('2027-11-06T11:30'), parseMessageOffset('P7D')!, zone))).toBe('2027-11-13T11:30:00.000-05:00');
  });
});

describe('validateMessagePlan', () => {
  it('accepts an empty plan and copies entries', () => {
    expect(validateMessagePlan([])).toEqual([]);
    const input = [entry({ channel: 'sms' })];
    const out = validateMessagePlan(input);
    expect(out).toEqual(input);
    expect(out[0]).not.toBe(input[0]);
  });

  it.each([
    [[entry({ offset: 'PT3 hours' })], ['[0].offset']],
    [[entry({ offset: 'P1M' })], ['[0].offset']],
    [[entry({ offset: 'P401D', kind: 'booster-due', anchor: 'course-end' })], ['[0].offset']],
    [[entry({ kind: 'birthday' })], ['[0].kind']],
    [[entry({ kind: 'crisis-resources', offset: 'PT0S', anchor: 'booking' })], ['[0].kind']],
    [[entry({ kind: 'waitlist-offer', offset: 'PT0S', anchor: 'booking' })], ['[0].kind']],
    [[entry({ kind: 'waitlist-offer-gone', offset: 'PT0S', anchor: 'booking' })], ['[0].kind']],
    [[entry({ anchor: 'visit' })], ['[0].anchor']],
    [[entry({ channel: 'pager' })], ['[0].channel']],
    [[entry({ visitKinds: [] })], ['[0].visitKinds']],
    [[entry({ visitKinds: ['iv-infusion', 'massage'] })], ['[0].visitKinds[1]']],
    [[entry({ visitKinds: ['iv-infusion', 'iv-infusion'] })], ['[0].visitKinds[1]']],
    // Decided: a reminder after the start reminds of nothing.
    [[entry({ offset: 'PT1H' })], ['[0].offset']],
    [[entry({ offset: 'PT0S' })], ['[0].offset']],
    [[entry({ anchor: 'booking', offset: 'PT1H' })], ['[0].offset']],
    [[entry({ kind: 'side-effects-check-in', anchor: 'chair-release', offset: '-PT1H' })], ['[0].offset']],
    [[entry({ kind: 'booking-confirmation', anchor: 'booking', offset: '-PT1H' })], ['[0].offset']],
    [[entry({}), entry({ visitKinds: ['spravato', 'iv-infusion'] })], ['[1]']],
    [
      ['reminder', null],
      ['[0]', '[1]'],
    ],
    [
      [entry({ offset: 'bad' }), entry({ kind: 'nope' })],
      ['[0].offset', '[1].kind'],
    ],
  ])('%j → 400 at %j', (plan, paths) => {
    expect(errorPaths(() => validateMessagePlan(plan))).toEqual(paths);
  });

  it('allows a post-visit kind anchored on start with a positive offset', () => {
    expect(() => validateMessagePlan([entry({ kind: 'side-effects-check-in', offset: 'PT4H' })])).not.toThrow();
  });

  it('allows the same kind at different offsets, or for different visit kinds', () => {
    expect(() => validateMessagePlan([entry({}), entry({ offset: '-PT25H' }), entry({ visitKinds: ['spravato'] })])).not.toThrow();
  });

  it('holds at most 50 entries', () => {
    const plan = Array.from({ length: 51 }, (_, i) => entry({ offset: `-PT${i + 1}H` }));
    expect(errorPaths(() => validateMessagePlan(plan))).toEqual(['']);
    expect(() => validateMessagePlan(plan.slice(0, 50))).not.toThrow();
  });

  it('refuses a body that is not an array', () => {
    expect(errorPaths(() => validateMessagePlan({ entries: [] }))).toEqual(['']);
  });
});
