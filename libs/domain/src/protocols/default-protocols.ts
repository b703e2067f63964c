import type { Protocol } from './protocol.types';

/**
 * The six protocols every clinic starts with, version 1 (DOMAIN.md, "Protocols"). Clinics may
 * publish later versions; these values are what a fresh database is seeded with.
 *
 * - IV / IM induction: 6 visits, one rest day between two (start dates ≥ 2 days apart), at most 3
 *   in an ISO week, the last at most 20 days after the first. Both the 3-a-week cadence (Murrough
 *   2013: 6 infusions over 12 days) and 2-a-week over three weeks fit.
 * - IV booster: one visit per booking, measured from the anchor (the last induction infusion or
 *   the previous booster): aim for 28 days, allowed 21–42.
 * - Spravato induction: weeks 1–4 two sessions a week, weeks 5–8 one a week. The ≥ 2-day rest is
 *   applied across the whole induction, which also keeps the week 4 → 5 change from landing on
 *   consecutive days.
 * - Spravato maintenance: a booking of 4 sessions, weekly or every two weeks (7–14 days apart, 7
 *   preferred), the first measured from the last induction session.
 * - At-home lozenge: the course drives check-ins; one supervised first dose in a chair may be
 *   booked, or none.
 */
export const DEFAULT_PROTOCOLS: readonly Protocol[] = deepFreeze([
  {
    key: 'iv-induction',
    version: 1,
    name: 'IV ketamine induction',
    visitKind: 'iv-infusion',
    rules: { visitCount: 6, minGapDays: 2, maxPerIsoWeek: 3, maxSpanDays: 20 },
  },
  {
    key: 'iv-booster',
    version: 1,
    name: 'IV ketamine booster',
    visitKind: 'iv-infusion',
    rules: { visitCount: 1, repeat: { intervalDays: 28, windowMinDays: 21, windowMaxDays: 42 } },
  },
  {
    key: 'im-induction',
    version: 1,
    name: 'IM ketamine induction',
    visitKind: 'im-injection',
    rules: { visitCount: 6, minGapDays: 2, maxPerIsoWeek: 3, maxSpanDays: 20 },
  },
  {
    key: 'spravato-induction',
    version: 1,
    name: 'Spravato (esketamine) induction',
    visitKind: 'spravato',
    rules: {
      visitCount: 12,
      minGapDays: 2,
      phases: [
        { fromWeek: 1, toWeek: 4, visitsPerWeek: 2 },
        { fromWeek: 5, toWeek: 8, visitsPerWeek: 1 },
      ],
    },
  },
  {
    key: 'spravato-maintenance',
    version: 1,
    name: 'Spravato (esketamine) maintenance',
    visitKind: 'spravato',
    rules: { visitCount: 4, repeat: { intervalDays: 7, windowMinDays: 7, windowMaxDays: 14 } },
  },
  {
    key: 'lozenge-home',
    version: 1,
    name: 'At-home ketamine lozenge',
    visitKind: 'lozenge',
    rules: { visitCount: 1, optional: true },
  },
]);

/** The default protocol with this key, or undefined. */
export function findDefaultProtocol(key: string): Protocol | undefined {
  return DEFAULT_PROTOCOLS.find((p) => p.key === key);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
