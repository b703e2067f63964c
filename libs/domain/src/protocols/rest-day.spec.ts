import fc from 'fast-check';
import { DateTime } from 'luxon';
import { DEFAULT_PROTOCOLS } from './default-protocols';
import { restDayClashes, restDaysOfKind } from './rest-day';

const ZONE = 'America/New_York';
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();
const restDays = (kind: string) => restDaysOfKind(DEFAULT_PROTOCOLS, kind);

describe('restDaysOfKind', () => {
  it('reads the rest day from the protocols of the kind (the inductions: 2), 0 for kinds without one', () => {
    expect(restDays('iv-infusion')).toBe(2);
    expect(restDays('im-injection')).toBe(2);
    expect(restDays('spravato')).toBe(2);
    expect(restDays('intake')).toBe(0);
  });
});

describe('restDayClashes', () => {
  it('refuses the same or the next local date, allows two dates apart', () => {
    const others = [{ kind: 'iv-infusion', start: at('2027-03-10T09:00') }];
    expect(restDayClashes({ kind: 'iv-infusion', start: at('2027-03-10T15:00') }, others, ZONE, restDays)).toHaveLength(1);
    // 23:30 then 00:30: one hour apart, but consecutive dates.
    expect(restDayClashes({ kind: 'iv-infusion', start: at('2027-03-11T00:30') }, others, ZONE, restDays)[0]).toMatchObject({
      days: 1,
      required: 2,
    });
    expect(restDayClashes({ kind: 'iv-infusion', start: at('2027-03-12T08:00') }, others, ZONE, restDays)).toEqual([]);
    expect(restDayClashes({ kind: 'iv-infusion', start: at('2027-03-08T20:00') }, others, ZONE, restDays)).toEqual([]);
  });

  it('asks a rest day only between two kinds that each need one: a consult the day after an infusion is fine', () => {
    const infusion = { kind: 'iv-infusion', start: at('2027-03-10T09:00') };
    const consult = { kind: 'follow-up', start: at('2027-03-11T09:00') };
    const spravato = { kind: 'spravato', start: at('2027-03-11T09:00') };
    expect(restDayClashes(consult, [infusion], ZONE, restDays)).toEqual([]);
    expect(restDayClashes(infusion, [consult], ZONE, restDays)).toEqual([]);
    expect(restDayClashes(spravato, [infusion], ZONE, restDays)).toHaveLength(1);
    expect(restDayClashes(infusion, [spravato], ZONE, restDays)).toHaveLength(1);
  });

  it('is symmetric, and never refuses visits at least the rest day apart (property)', () => {
    const kinds = fc.constantFrom('iv-infusion', 'im-injection', 'spravato', 'intake', 'follow-up');
    const start = fc.integer({ min: at('2027-01-01T00:00'), max: at('2027-12-31T00:00') });
    fc.assert(
      fc.property(kinds, start, kinds, start, (ka, sa, kb, sb) => {
        const a = { kind: ka, start: sa };
        const b = { kind: kb, start: sb };
        const ab = restDayClashes(a, [b], ZONE, restDays);
        expect(ab.length).toBe(restDayClashes(b, [a], ZONE, restDays).length);
        const days = Math.abs(
          DateTime.fromMillis(sa, { zone: ZONE })
            .startOf('day')
            .diff(DateTime.fromMillis(sb, { zone: ZONE }).startOf('day'), 'days').days,
        );
        expect(ab.length).toBe(Math.round(days) < Math.min(restDays(ka), restDays(kb)) ? 1 : 0);
      }),
    );
  });
});
