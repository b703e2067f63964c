import fc from 'fast-check';
import { DateTime } from 'luxon';
import { findDefaultProtocol, Protocol, validateSeries } from '@chairtime/domain';
import { CHAIR_MINUTES, DEMO_DAY, DEMO_PATIENTS, inductionDates, INTAKE_AT, PENDING_SCREENING_PATIENT } from './demo-day-layout';

const live = DEMO_DAY.filter((v) => v.status !== 'cancelled');

describe('the demo day layout', () => {
  it('never puts two live visits on one chair at once', () => {
    for (const a of live) {
      for (const b of live) {
        if (a === b || a.chair !== b.chair) continue;
        const overlap = a.at < b.at + CHAIR_MINUTES[b.kind] && b.at < a.at + CHAIR_MINUTES[a.kind];
        expect({ a, b, overlap }).toEqual({ a, b, overlap: false });
      }
    }
  });

  it('staggers starts: at most two (two nurses) in any 15-minute slot', () => {
    const perSlot = new Map<number, number>();
    for (const v of live) perSlot.set(Math.floor(v.at / 15), (perSlot.get(Math.floor(v.at / 15)) ?? 0) + 1);
    expect(Math.max(...perSlot.values())).toBeLessThanOrEqual(2);
  });

  it('shows every visit state, one visit per patient, none for the patient waiting on screening', () => {
    expect(new Set(DEMO_DAY.map((v) => v.status))).toEqual(
      new Set(['held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged', 'no-show', 'cancelled']),
    );
    const patients = DEMO_DAY.map((v) => v.patient);
    expect(new Set(patients).size).toBe(patients.length);
    expect(patients).not.toContain(PENDING_SCREENING_PATIENT);
    expect(Math.max(...patients)).toBeLessThan(DEMO_PATIENTS.length);
    expect(INTAKE_AT).toBeGreaterThan(0);
  });

  it('fits a weekday of 07:00–19:00', () => {
    for (const v of DEMO_DAY) expect(v.at + CHAIR_MINUTES[v.kind]).toBeLessThanOrEqual(12 * 60);
  });

  it('finds induction dates the protocol accepts, on open days, with the given visit on the given day', () => {
    const protocol = findDefaultProtocol('iv-induction') as Protocol;
    const zone = 'America/New_York';
    const closedSunday = (d: string) => DateTime.fromISO(d, { zone }).weekday !== 7;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 730 }), fc.integer({ min: 0, max: 5 }), (offset, index) => {
        let day = DateTime.fromISO('2027-01-01', { zone }).plus({ days: offset });
        if (day.weekday === 7) day = day.plus({ days: 1 });
        const iso = day.toISODate() as string;
        const dates = inductionDates(iso, index, zone, closedSunday);
        expect(dates[index]).toBe(iso);
        expect(dates.every(closedSunday)).toBe(true);
        const visits = dates.map((d, i) => ({ sequence: i + 1, start: DateTime.fromISO(`${d}T09:00`, { zone }).toMillis() }));
        expect(validateSeries(protocol, visits, zone)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
