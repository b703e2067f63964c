import { courseEnd, CourseEndVisit } from './course-end';

const H = 3_600_000;
const visit = (id: string, startsAt: number, patch: Partial<CourseEndVisit> = {}): CourseEndVisit => ({
  id,
  kind: 'iv-infusion',
  status: 'booked',
  startsAt,
  chairReleasedAt: startsAt + 2 * H,
  version: 1,
  ...patch,
});
const induction = { status: 'booked', induction: true };

describe('courseEnd', () => {
  const series = [visit('a', 1 * 24 * H), visit('c', 5 * 24 * H), visit('b', 3 * 24 * H)];

  it('is the planned chair release of the latest live visit, whatever the row order', () => {
    expect(courseEnd(induction, series)).toEqual({
      visitId: 'c',
      visitKind: 'iv-infusion',
      visitStart: 5 * 24 * H,
      visitVersion: 1,
      at: 5 * 24 * H + 2 * H,
    });
    expect(courseEnd(induction, [...series].reverse())?.visitId).toBe('c');
  });

  it('moves to the visit now last when the last one is cancelled or missed', () => {
    for (const status of ['cancelled', 'no-show', 'held']) {
      const changed = series.map((v) => (v.id === 'c' ? { ...v, status } : v));
      expect(courseEnd(induction, changed)?.visitId).toBe('b');
    }
  });

  it('follows a rescheduled visit past the others, and keeps a discharged last visit', () => {
    const moved = series.map((v) => (v.id === 'a' ? { ...v, startsAt: 9 * 24 * H, chairReleasedAt: 9 * 24 * H + H, version: 2 } : v));
    expect(courseEnd(induction, moved)).toMatchObject({ visitId: 'a', visitVersion: 2, at: 9 * 24 * H + H });
    const done = series.map((v) => ({ ...v, status: 'discharged' }));
    expect(courseEnd(induction, done)?.visitId).toBe('c');
  });

  it('breaks equal starts by id', () => {
    expect(courseEnd(induction, [visit('y', 10), visit('x', 10)])?.visitId).toBe('y');
  });

  it('is null for a cancelled course, a course that is not an induction, or no live visit', () => {
    expect(courseEnd({ status: 'cancelled', induction: true }, series)).toBeNull();
    expect(courseEnd({ status: 'booked', induction: false }, series)).toBeNull();
    expect(
      courseEnd(
        induction,
        series.map((v) => ({ ...v, status: 'cancelled' })),
      ),
    ).toBeNull();
    expect(courseEnd(induction, [])).toBeNull();
  });
});
