import { outcomeReport, ReportVisit } from './outcome-report';

const H = 3_600_000;
const D = 24 * H;
const base: ReportVisit = {
  patientId: 'p',
  courseId: null,
  sequence: null,
  chair: true,
  start: 10 * D,
  status: 'discharged',
  cancelledAt: null,
  cancelReason: null,
  dischargedAt: 10 * D + H,
};

describe('outcomeReport', () => {
  it('buckets cancellations by lead time at the 24 h and 72 h lines, leaving released and expired holds out', () => {
    const cancelled = (hoursBefore: number, cancelReason: string | null = null): ReportVisit => ({
      ...base,
      status: 'cancelled',
      cancelledAt: base.start - hoursBefore * H,
      cancelReason,
      dischargedAt: null,
    });
    const r = outcomeReport({
      from: 0,
      to: 30 * D,
      now: 30 * D,
      visits: [cancelled(23.9), cancelled(24), cancelled(71.9), cancelled(72), cancelled(1, 'hold-released'), cancelled(1, 'hold-expired')],
      courses: [],
      phq9: [],
    });
    expect(r.cancellations).toEqual({ count: 4, byLeadTime: { under24h: 1, from24hTo72h: 2, over72h: 1 } });
  });

  it('counts a consult as neither a treatment nor a treated patient, and has no rates without a denominator', () => {
    const r = outcomeReport({ from: 0, to: 30 * D, now: 30 * D, visits: [{ ...base, chair: false }], courses: [], phq9: [] });
    expect(r).toMatchObject({
      patientsTreated: 0,
      treatments: 0,
      outcomes: { assessed: 0, responseRate: null, remissionRate: null },
      relapse: { followed: 0, rate: null },
      noShows: { count: 0, rate: null },
    });
  });

  it('does not follow a responder for relapse before 90 days have passed', () => {
    const visits = [1, 2, 3, 4, 5, 6].map((n) => ({ ...base, courseId: 'c', sequence: n, start: n * 2 * D, dischargedAt: n * 2 * D + H }));
    const input = {
      from: 0,
      to: 30 * D,
      visits,
      courses: [{ id: 'c', patientId: 'p', visitCount: 6, induction: true }],
      phq9: [
        { patientId: 'p', score: 20, takenAt: 0 },
        { patientId: 'p', score: 6, takenAt: 19 * D },
        { patientId: 'p', score: 19, takenAt: 40 * D },
      ],
    };
    expect(outcomeReport({ ...input, now: 60 * D }).relapse).toEqual({ followed: 0, relapsedWithin90Days: 0, rate: null });
    expect(outcomeReport({ ...input, now: 103 * D }).relapse).toEqual({ followed: 1, relapsedWithin90Days: 1, rate: 1 });
  });
});
