import { IV, INTAKE, MINUTE, at, booking, clinic } from './availability.fixtures';
import type { ClinicCapacity, VisitKindSpec } from './availability.types';
import { checkStart } from './check-start';

const MONDAY = '2027-03-01';
const EARLY = at('2027-01-01', '00:00');

function check(capacity: ClinicCapacity, start: number, options: { kind?: VisitKindSpec; now?: number; chairId?: string } = {}) {
  return checkStart(capacity, options.kind ?? IV, start, options.now ?? EARLY, options.chairId);
}

const twoChairs = [
  { id: 'c2', capabilities: ['iv-infusion'] },
  { id: 'c1', capabilities: ['iv-infusion'] },
];

describe('checkStart', () => {
  it('accepts a free grid start with its chairs, clinicians and times', () => {
    const start = at(MONDAY, '09:00');
    expect(check(clinic({ chairs: twoChairs }), start)).toEqual({
      ok: true,
      chairIds: ['c1', 'c2'],
      clinicianShiftIds: [],
      times: { start, end: start + 80 * MINUTE, chairReleasedAt: start + 90 * MINUTE },
    });
    expect(check(clinic({ chairs: twoChairs }), start, { chairId: 'c2' })).toMatchObject({ ok: true, chairIds: ['c2'] });
  });

  it('past: before now, checked before anything else', () => {
    const now = at(MONDAY, '09:00');
    expect(check(clinic(), at(MONDAY, '08:45'), { now })).toEqual({ ok: false, reason: 'past' });
    expect(check(clinic(), at(MONDAY, '08:47'), { now })).toEqual({ ok: false, reason: 'past' });
    expect(check(clinic(), now, { now }).ok).toBe(true);
  });

  it('off-grid: not midnight + k × slot, or the later occurrence of a repeated wall time', () => {
    expect(check(clinic(), at(MONDAY, '09:05'))).toEqual({ ok: false, reason: 'off-grid' });
    expect(check(clinic(), at(MONDAY, '09:00') + 1)).toEqual({ ok: false, reason: 'off-grid' });
    const zone = 'America/New_York';
    const night = clinic({
      zone,
      weeklyHours: [{ weekday: 7, opens: '00:00', closes: '06:00' }],
      shifts: [{ id: 'n1', role: 'nurse', start: at('2027-11-06', '23:00', zone), end: at('2027-11-07', '07:00', zone) }],
    });
    const earlier = at('2027-11-07', '01:00', zone);
    expect(check(night, earlier).ok).toBe(true);
    // 01:00 EST, an hour later, shows the same wall time but is not the grid's 01:00.
    expect(check(night, earlier + 60 * MINUTE)).toEqual({ ok: false, reason: 'off-grid' });
  });

  it('closed: a closure date, even outside hours', () => {
    const capacity = clinic({ closures: [{ startDate: '2027-02-27', endDate: MONDAY }] });
    expect(check(capacity, at(MONDAY, '09:00'))).toEqual({ ok: false, reason: 'closed' });
    expect(check(capacity, at(MONDAY, '20:00'))).toEqual({ ok: false, reason: 'closed' });
  });

  it('outside-hours: chair time not inside one opening interval', () => {
    expect(check(clinic(), at(MONDAY, '10:45'))).toEqual({ ok: false, reason: 'outside-hours' });
    expect(check(clinic(), at(MONDAY, '12:00'))).toEqual({ ok: false, reason: 'outside-hours' });
    expect(check(clinic(), at('2027-03-02', '09:00'))).toEqual({ ok: false, reason: 'outside-hours' });
    expect(check(clinic(), at(MONDAY, '10:30')).ok).toBe(true);
  });

  it('no-capable-chair: unknown chair, chair without the capability, or none in the clinic', () => {
    const capacity = clinic({ chairs: [...twoChairs, { id: 's1', capabilities: ['spravato'] }] });
    expect(check(capacity, at(MONDAY, '09:00'), { chairId: 's1' })).toEqual({ ok: false, reason: 'no-capable-chair' });
    expect(check(capacity, at(MONDAY, '09:00'), { chairId: 'nope' })).toEqual({ ok: false, reason: 'no-capable-chair' });
    const spravatoOnly = clinic({ chairs: [{ id: 's1', capabilities: ['spravato'] }] });
    expect(check(spravatoOnly, at(MONDAY, '09:00'))).toEqual({ ok: false, reason: 'no-capable-chair' });
  });

  it('chair-blocked before chair-busy for a named chair; chair-busy when no chair is free', () => {
    const start = at(MONDAY, '09:00');
    const capacity = clinic({
      chairs: twoChairs,
      chairBlocks: [{ chairId: 'c1', start: at(MONDAY, '10:00'), end: at(MONDAY, '11:00') }],
      bookings: [booking('b1', 'c1', at(MONDAY, '08:00')), booking('b2', 'c2', at(MONDAY, '08:30'))],
    });
    expect(check(capacity, start, { chairId: 'c1' })).toEqual({ ok: false, reason: 'chair-blocked' });
    expect(check(capacity, start, { chairId: 'c2' })).toEqual({ ok: false, reason: 'chair-busy' });
    expect(check(capacity, start)).toEqual({ ok: false, reason: 'chair-busy' });
    const allBlocked = clinic({ chairBlocks: [{ chairId: 'c1', start, end: start + MINUTE }] });
    expect(check(allBlocked, start)).toEqual({ ok: false, reason: 'chair-busy' });
    // Half-open: a block ending exactly at the start does not touch it.
    const flush = clinic({ chairBlocks: [{ chairId: 'c1', start: start - 60 * MINUTE, end: start }] });
    expect(check(flush, start, { chairId: 'c1' }).ok).toBe(true);
  });

  it('nurse-capacity: patients present would exceed nurses × ratio', () => {
    const capacity = clinic({ chairs: twoChairs, nurseRatio: 1, bookings: [booking('b1', 'c1', at(MONDAY, '08:00'))] });
    expect(check(capacity, at(MONDAY, '09:15'))).toEqual({ ok: false, reason: 'nurse-capacity' });
    const noNurse = clinic({ shifts: [] });
    expect(check(noNurse, at(MONDAY, '09:00'))).toEqual({ ok: false, reason: 'nurse-capacity' });
  });

  it('stagger: another chair visit starts at the same instant with one nurse', () => {
    const capacity = clinic({ chairs: twoChairs, bookings: [booking('b1', 'c1', at(MONDAY, '09:00'))] });
    expect(check(capacity, at(MONDAY, '09:00'))).toEqual({ ok: false, reason: 'stagger' });
    expect(check(capacity, at(MONDAY, '09:15')).ok).toBe(true);
  });

  it('no-clinician: consult without a free clinician covering the visit', () => {
    const capacity = clinic({
      chairs: [],
      shifts: [{ id: 'k1', role: 'clinician', start: at(MONDAY, '08:00'), end: at(MONDAY, '10:00') }],
      bookings: [booking('consult', null, at(MONDAY, '08:00'), INTAKE, 'k1')],
    });
    expect(check(capacity, at(MONDAY, '08:30'), { kind: INTAKE })).toEqual({ ok: false, reason: 'no-clinician' });
    expect(check(capacity, at(MONDAY, '09:15'), { kind: INTAKE })).toEqual({ ok: false, reason: 'no-clinician' });
    expect(check(capacity, at(MONDAY, '09:00'), { kind: INTAKE })).toEqual({
      ok: true,
      chairIds: [],
      clinicianShiftIds: ['k1'],
      times: { start: at(MONDAY, '09:00'), end: at(MONDAY, '10:00'), chairReleasedAt: at(MONDAY, '10:00') },
    });
  });

  it('reports the first failing rule when several fail', () => {
    const everythingWrong = clinic({
      chairs: [{ id: 's1', capabilities: ['spravato'] }],
      shifts: [],
      closures: [{ startDate: MONDAY, endDate: MONDAY }],
    });
    const now = at(MONDAY, '12:00');
    expect(check(everythingWrong, at(MONDAY, '09:05'), { now })).toEqual({ ok: false, reason: 'past' });
    expect(check(everythingWrong, at(MONDAY, '13:05'), { now })).toEqual({ ok: false, reason: 'off-grid' });
    expect(check(everythingWrong, at(MONDAY, '16:45'), { now })).toEqual({ ok: false, reason: 'closed' });
    const open = { ...everythingWrong, closures: [] };
    expect(check(open, at(MONDAY, '16:45'), { now })).toEqual({ ok: false, reason: 'outside-hours' });
    expect(check(open, at(MONDAY, '13:00'), { now })).toEqual({ ok: false, reason: 'no-capable-chair' });
  });
});
