import fc from 'fast-check';
import { IV, INTAKE, MINUTE, at, booking, clinic } from './availability.fixtures';
import type { ClinicCapacity } from './availability.types';
import { checkStart } from './check-start';
import { BookedVisit, fitBookedVisits } from './visit-fit';

const MONDAY = '2027-03-01';
const iv = (id: string, chairId: string, time: string, alreadyDisplaced = false): BookedVisit => ({
  booking: booking(id, chairId, at(MONDAY, time)),
  needsChair: true,
  needsClinician: false,
  capability: 'iv-infusion',
  alreadyDisplaced,
});
const chairs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `c${i + 1}`, capabilities: ['iv-infusion'] }));

describe('fitBookedVisits', () => {
  it('keeps every visit when the set-up still holds them', () => {
    expect(fitBookedVisits(clinic({ chairs: chairs(2) }), [iv('a', 'c1', '09:00'), iv('b', 'c2', '09:15')])).toEqual({
      displaced: [],
      reassigned: [],
    });
  });

  it('names the rule each displaced visit breaks: closure, hours, block', () => {
    expect(fitBookedVisits(clinic({ closures: [{ startDate: MONDAY, endDate: MONDAY }] }), [iv('a', 'c1', '09:00')]).displaced).toEqual([
      { id: 'a', reason: 'closed' },
    ]);
    const shortDay = clinic({ weeklyHours: [{ weekday: 1, opens: '08:00', closes: '10:00' }] });
    expect(fitBookedVisits(shortDay, [iv('a', 'c1', '08:30'), iv('b', 'c1', '10:00')]).displaced).toEqual([
      { id: 'b', reason: 'outside-hours' },
    ]);
    const blocked = clinic({ chairBlocks: [{ chairId: 'c1', start: at(MONDAY, '10:00'), end: at(MONDAY, '10:30') }] });
    expect(fitBookedVisits(blocked, [iv('a', 'c1', '09:00'), iv('b', 'c1', '10:30')]).displaced).toEqual([
      { id: 'a', reason: 'chair-blocked' },
    ]);
  });

  it('a nurse removed: the earliest visits keep the remaining ratio, later ones are displaced', () => {
    const capacity = clinic({ chairs: chairs(6), nurseRatio: 2 });
    const visits = ['c1', 'c2', 'c3'].map((c, i) => iv(`v${i}`, c, ['09:00', '09:15', '09:30'][i]));
    expect(fitBookedVisits(capacity, visits).displaced).toEqual([{ id: 'v2', reason: 'nurse-capacity' }]);
  });

  it('visits already marked are placed last and never reported again', () => {
    const capacity = clinic({ chairs: chairs(3), nurseRatio: 1 });
    const fit = fitBookedVisits(capacity, [iv('early', 'c1', '09:00', true), iv('late', 'c2', '09:30')]);
    expect(fit.displaced).toEqual([]);
  });

  it('fixed bookings count: a visit now sharing its chair with one that is not re-checked is displaced', () => {
    const capacity = clinic({ bookings: [booking('fixed', 'c1', at(MONDAY, '09:00'))] });
    expect(fitBookedVisits(capacity, [iv('a', 'c1', '09:30')]).displaced).toEqual([{ id: 'a', reason: 'chair-busy' }]);
  });

  it('a consult whose clinician shift went is moved to a free one, or displaced when none is', () => {
    const start = at(MONDAY, '09:00');
    const consult = (id: string, shift: string | null): BookedVisit => ({
      booking: booking(id, null, start, INTAKE, shift),
      needsChair: false,
      needsClinician: true,
      capability: null,
    });
    const withShift = (ids: string[]): ClinicCapacity =>
      clinic({ shifts: ids.map((id) => ({ id, role: 'clinician' as const, start: at(MONDAY, '08:00'), end: at(MONDAY, '17:00') })) });
    expect(fitBookedVisits(withShift(['k2']), [consult('a', 'k1')])).toEqual({
      displaced: [],
      reassigned: [{ id: 'a', clinicianShiftId: 'k2' }],
    });
    expect(fitBookedVisits(withShift(['k1']), [consult('a', 'k1')])).toEqual({ displaced: [], reassigned: [] });
    expect(fitBookedVisits(withShift(['k2']), [consult('a', null), consult('b', 'k1')])).toEqual({
      displaced: [{ id: 'b', reason: 'no-clinician' }],
      reassigned: [{ id: 'a', clinicianShiftId: 'k2' }],
    });
  });

  it('property: the visits kept, booked one by one in order, each pass checkStart; none displaced fits beside them', () => {
    const starts = fc.array(fc.record({ slot: fc.integer({ min: 0, max: 28 }), chair: fc.integer({ min: 1, max: 3 }) }), { maxLength: 8 });
    fc.assert(
      fc.property(starts, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 3 }), (raw, nurses, ratio) => {
        const base = clinic({
          chairs: chairs(3),
          nurseRatio: ratio,
          shifts: Array.from({ length: nurses }, (_, i) => ({
            id: `n${i}`,
            role: 'nurse' as const,
            start: at(MONDAY, '07:00'),
            end: at(MONDAY, '18:00'),
          })),
        });
        const visits = raw.map((r, i) => ({
          ...iv(`v${String(i).padStart(2, '0')}`, `c${r.chair}`, '08:00'),
          booking: booking(`v${String(i).padStart(2, '0')}`, `c${r.chair}`, at(MONDAY, '08:00') + r.slot * 15 * MINUTE),
        }));
        const { displaced } = fitBookedVisits(base, visits);
        const gone = new Set(displaced.map((d) => d.id));
        const kept = visits
          .filter((v) => !gone.has(v.booking.id))
          .sort((a, b) => a.booking.start - b.booking.start || (a.booking.id < b.booking.id ? -1 : 1));
        const state: ClinicCapacity = { ...base, bookings: [] };
        for (const v of kept) {
          expect(checkStart(state, IV, v.booking.start, 0, v.booking.chairId ?? undefined).ok).toBe(true);
          state.bookings.push(v.booking);
        }
        // The nurse load of the kept visits never exceeds the nurses on shift × ratio.
        for (const v of kept) {
          const present = kept.filter((o) => o.booking.start <= v.booking.start && v.booking.start < o.booking.end).length;
          expect(present).toBeLessThanOrEqual(nurses * ratio);
        }
      }),
    );
  });
});
