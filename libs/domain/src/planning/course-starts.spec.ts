import { DomainError } from '../shared/domain-error';
import { estimateCourseStarts } from './course-starts';
import { grid, NY, protocol, slot } from './planning.fixtures';

describe('estimateCourseStarts', () => {
  it('counts single-visit courses, taking each booked chair time out of overlapping candidates', () => {
    const candidates = [slot('2027-03-01 09:00', ['a', 'b']), slot('2027-03-01 09:30', ['a', 'b']), slot('2027-03-01 13:00', ['a'])];
    // 09:00 in a, 09:00 in b, 13:00 in a; 09:30 overlaps both 09:00 visits.
    expect(estimateCourseStarts(protocol('lozenge-home'), NY, candidates, ['2027-03-01'])).toEqual({ '2027-03-01': 3 });
  });

  it('counts IV inductions per week, each week on its own, none where the data ends', () => {
    const oneChair = grid({ from: '2027-03-01', days: 35, times: ['09:00', '13:00'], chairs: ['a'] });
    const weeks = ['2027-03-01', '2027-03-08', '2027-04-12'];
    // Ten week-1 slots: Mon/Wed/Fri and Tue/Thu courses at both times use them all.
    expect(estimateCourseStarts(protocol('iv-induction'), NY, oneChair, weeks)).toEqual({
      '2027-03-01': 4,
      '2027-03-08': 4,
      '2027-04-12': 0,
    });
    const twoChairs = grid({ from: '2027-03-01', days: 35, times: ['09:00', '13:00'], chairs: ['a', 'b'] });
    expect(estimateCourseStarts(protocol('iv-induction'), NY, twoChairs, weeks.slice(0, 1))).toEqual({ '2027-03-01': 8 });
  });

  it('only counts courses whose first visit is in the week', () => {
    const lateStart = grid({ from: '2027-03-01', days: 35, times: ['09:00'], chairs: ['a'], weekdays: [5] });
    // Fridays only: a 6-visit induction cannot fit in 20 days.
    expect(estimateCourseStarts(protocol('iv-induction'), NY, lateStart, ['2027-03-01'])).toEqual({ '2027-03-01': 0 });
  });

  it.each(['2027-03-02', '2027-3-1', 'monday'])('refuses the week start %s', (week) => {
    expect(() => estimateCourseStarts(protocol('iv-induction'), NY, [], [week])).toThrow(DomainError);
    expect(() => estimateCourseStarts(protocol('iv-induction'), NY, [], [week])).toThrow(
      expect.objectContaining({ code: 'validation', details: { path: 'weekStarts[0]' } }),
    );
  });
});
