import { DateTime } from 'luxon';
import { DomainError } from '../shared/domain-error';
import { findDefaultProtocol } from './default-protocols';
import type { Protocol, SeriesContext, ViolationCode } from './protocol.types';
import { validateSeries } from './series-validator';

const NY = 'America/New_York';
const BERLIN = 'Europe/Berlin';

/** Instant of a clinic-local wall time ('2027-03-01 09:00'). */
const at = (local: string, zone = NY): number => {
  const dt = DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone });
  if (!dt.isValid) throw new Error(`bad test time ${local}`);
  return dt.toMillis();
};
const protocol = (key: string): Protocol => {
  const p = findDefaultProtocol(key);
  if (!p) throw new Error(key);
  return p;
};
const custom = (rules: Protocol['rules']): Protocol => ({ key: 'custom', version: 1, name: 'Custom', visitKind: 'iv-infusion', rules });
/** Visits with sequences 1..n at 09:00 local on the given dates, unless a time is given. */
const series = (dates: string[], zone = NY) =>
  dates.map((d, i) => ({ sequence: i + 1, start: at(d.includes(' ') ? d : `${d} 09:00`, zone) }));

interface Case {
  name: string;
  protocol: Protocol;
  visits: { sequence: number; start: number }[];
  zone?: string;
  context?: SeriesContext;
  /** [code, sequence] of every expected violation, in any order. */
  expected: [ViolationCode, number | undefined][];
}

const MWF = ['2027-03-01', '2027-03-03', '2027-03-05', '2027-03-08', '2027-03-10', '2027-03-12'];
const iv = protocol('iv-induction');
const gap2 = custom({ visitCount: 2, minGapDays: 2 });
const spravato = protocol('spravato-induction');
const SPRAVATO_OK = [
  ...['2027-03-01', '2027-03-04', '2027-03-08', '2027-03-11', '2027-03-15', '2027-03-18', '2027-03-22', '2027-03-25'],
  ...['2027-03-29', '2027-04-05', '2027-04-12', '2027-04-19'],
];
const booster = protocol('iv-booster');
const anchor = at('2027-03-01 09:00');

const cases: Case[] = [
  { name: 'iv: Mon/Wed/Fri over two weeks', protocol: iv, visits: series(MWF), expected: [] },
  {
    name: 'iv: two a week over three weeks, across the New York DST change',
    protocol: iv,
    visits: series(['2027-03-02', '2027-03-05', '2027-03-09', '2027-03-12', '2027-03-16', '2027-03-19']),
    expected: [],
  },
  {
    name: 'iv: consecutive days',
    protocol: iv,
    visits: series(['2027-03-01', '2027-03-02', '2027-03-05', '2027-03-08', '2027-03-10', '2027-03-12']),
    expected: [['min-gap', 2]],
  },
  {
    name: 'iv: four in one ISO week (Mon, Wed, Fri, Sun)',
    protocol: iv,
    visits: series(['2027-03-01', '2027-03-03', '2027-03-05', '2027-03-07', '2027-03-09', '2027-03-11']),
    expected: [['max-per-week', 4]],
  },
  {
    name: 'iv: the ISO week is local: Sunday 23:30 in New York is Monday in UTC',
    protocol: iv,
    visits: series(['2027-03-01', '2027-03-03', '2027-03-05', '2027-03-07 23:30', '2027-03-10', '2027-03-12']),
    expected: [['max-per-week', 4]],
  },
  {
    name: 'iv: last visit 21 days after the first',
    protocol: iv,
    visits: series(['2027-03-01', '2027-03-03', '2027-03-05', '2027-03-08', '2027-03-10', '2027-03-22']),
    expected: [['max-span', 6]],
  },
  {
    name: 'iv: last visit exactly 20 days after the first',
    protocol: iv,
    visits: series(['2027-03-01', '2027-03-03', '2027-03-05', '2027-03-08', '2027-03-10', '2027-03-21']),
    expected: [],
  },
  { name: 'iv: five visits', protocol: iv, visits: series(MWF.slice(0, 5)), expected: [['visit-count', undefined]] },
  {
    name: 'iv: visit 3 before visit 2',
    protocol: iv,
    visits: series(MWF).map((v) => (v.sequence === 3 ? { ...v, start: at('2027-02-27 09:00') } : v)),
    // In time order the moved visit is first and 2 days before visit 1: the spacing still holds.
    expected: [['order', 3]],
  },
  {
    name: 'iv: a duplicated and a missing sequence',
    protocol: iv,
    visits: series(MWF).map((v) => (v.sequence === 6 ? { ...v, sequence: 5 } : v)),
    expected: [['sequence', 5]],
  },
  {
    name: 'iv: rescheduling visit 4 to the day after visit 3 re-checks the whole set',
    protocol: iv,
    visits: series(MWF).map((v) => (v.sequence === 4 ? { ...v, start: at('2027-03-06 09:00') } : v)),
    expected: [
      ['min-gap', 4],
      ['max-per-week', 4],
    ],
  },
  {
    name: 'DST New York: Sat 08:00 → Mon 07:30 is 46.5 h but two calendar days',
    protocol: gap2,
    visits: series(['2027-03-13 08:00', '2027-03-15 07:30']),
    expected: [],
  },
  {
    name: 'DST New York (fall back): Sat 00:10 → Sun 23:50 is 48.7 h but one calendar day',
    protocol: gap2,
    visits: series(['2027-11-06 00:10', '2027-11-07 23:50']),
    expected: [['min-gap', 2]],
  },
  {
    name: 'DST Berlin: Sat 09:00 → Mon 08:30 is 46.5 h but two calendar days',
    protocol: gap2,
    visits: series(['2027-03-27 09:00', '2027-03-29 08:30'], BERLIN),
    zone: BERLIN,
    expected: [],
  },
  {
    name: 'DST Berlin: Mon/Wed/Fri across 2027-03-28',
    protocol: iv,
    visits: series(['2027-03-22', '2027-03-24', '2027-03-26', '2027-03-29', '2027-03-31', '2027-04-02'], BERLIN),
    zone: BERLIN,
    expected: [],
  },
  {
    name: 'DST Berlin: 23:30 and 00:30 two local dates later are 2 days apart, 25 h in UTC terms',
    protocol: gap2,
    visits: series(['2027-03-27 23:30', '2027-03-29 00:30'], BERLIN),
    zone: BERLIN,
    expected: [],
  },
  { name: 'spravato: 2 a week for 4 weeks, then weekly', protocol: spravato, visits: series(SPRAVATO_OK), expected: [] },
  {
    name: 'spravato: three in course week 1, none in week 8',
    protocol: spravato,
    visits: series(['2027-03-01', '2027-03-03', '2027-03-05', ...SPRAVATO_OK.slice(2, 11)]),
    expected: [
      ['phase-count', 3],
      ['phase-count', undefined],
    ],
  },
  {
    name: 'spravato: two in week 5, none in week 6',
    protocol: spravato,
    visits: series([...SPRAVATO_OK.slice(0, 8), '2027-03-29', '2027-04-02', '2027-04-12', '2027-04-19']),
    expected: [
      ['phase-count', 10],
      ['phase-count', undefined],
    ],
  },
  {
    name: 'spravato: a partial set is checked against upper bounds only',
    protocol: spravato,
    visits: series(SPRAVATO_OK.slice(0, 5)),
    context: { requireComplete: false },
    expected: [],
  },
  { name: 'booster: 28 days after the anchor', protocol: booster, visits: series(['2027-03-29']), context: { anchor }, expected: [] },
  { name: 'booster: 21 days after the anchor', protocol: booster, visits: series(['2027-03-22']), context: { anchor }, expected: [] },
  { name: 'booster: 42 days after the anchor', protocol: booster, visits: series(['2027-04-12']), context: { anchor }, expected: [] },
  {
    name: 'booster: 20 days after the anchor',
    protocol: booster,
    visits: series(['2027-03-21']),
    context: { anchor },
    expected: [['repeat-window', 1]],
  },
  {
    name: 'booster: 43 days after the anchor',
    protocol: booster,
    visits: series(['2027-04-13']),
    context: { anchor },
    expected: [['repeat-window', 1]],
  },
  {
    name: 'booster: before the anchor',
    protocol: booster,
    visits: series(['2027-02-20']),
    context: { anchor },
    expected: [
      ['order', 1],
      ['repeat-window', 1],
    ],
  },
  { name: 'booster: no anchor, any date', protocol: booster, visits: series(['2027-02-20']), expected: [] },
  {
    name: 'spravato maintenance: weekly, then a 15-day gap',
    protocol: protocol('spravato-maintenance'),
    visits: series(['2027-05-03', '2027-05-10', '2027-05-17', '2027-06-01']),
    context: { anchor: at('2027-04-26 09:00') },
    expected: [['repeat-window', 4]],
  },
  { name: 'lozenge: no supervised dose', protocol: protocol('lozenge-home'), visits: [], expected: [] },
  { name: 'lozenge: one supervised dose', protocol: protocol('lozenge-home'), visits: series(['2027-03-01']), expected: [] },
  {
    name: 'lozenge: two supervised doses',
    protocol: protocol('lozenge-home'),
    visits: series(['2027-03-01', '2027-03-08']),
    expected: [['visit-count', undefined]],
  },
  {
    name: 'iv: an incomplete set of three',
    protocol: iv,
    visits: series(MWF.slice(0, 3)),
    context: { requireComplete: false },
    expected: [],
  },
  { name: 'iv: no visits', protocol: iv, visits: [], expected: [['visit-count', undefined]] },
];

describe('validateSeries', () => {
  it.each(cases)('$name', ({ protocol: p, visits, zone, context, expected }) => {
    const got = validateSeries(p, visits, zone ?? NY, context).map((v) => [v.code, v.sequence]);
    const key = (x: unknown[]) => JSON.stringify(x);
    expect(got.map(key).sort()).toEqual(expected.map(key).sort());
  });

  it('explains a violation with local dates and no personal data', () => {
    const [v] = validateSeries(gap2, series(['2027-11-06 00:10', '2027-11-07 23:50']), NY);
    expect(v.message).toBe('visit 2 (2027-11-07) is 1 day(s) after visit 1 (2027-11-06); at least 2 required');
  });

  it('refuses an unknown zone, an offset zone and a non-finite start as bad input', () => {
    expect(() => validateSeries(iv, series(MWF), 'Mars/Olympus')).toThrow(DomainError);
    expect(() => validateSeries(iv, series(MWF), '+02:00')).toThrow(DomainError);
    expect(() => validateSeries(iv, [{ sequence: 1, start: Number.NaN }], NY)).toThrow(
      expect.objectContaining({ code: 'validation', details: { path: 'visits[0].start' } }),
    );
  });

  it('refuses a malformed protocol rather than validating against it', () => {
    const broken = custom({ visitCount: 2, phases: [{ fromWeek: 1, toWeek: 1, visitsPerWeek: 3 }] });
    expect(() => validateSeries(broken, series(MWF.slice(0, 2)), NY)).toThrow(expect.objectContaining({ code: 'validation' }));
  });
});
