import type { VisitKindSpec, VisitTimes } from './availability.types';
import { prepareKind } from './capacity-input';

/**
 * The instants of a visit of `kind` starting at `start`:
 * `end = start + (prep + treatment + recovery)` and `chairReleasedAt = end + turnover`.
 *
 * Computed on absolute instants, not wall times: a visit keeps its length in real minutes when
 * the clocks change during it (an 80-minute infusion from 01:30 on a spring-forward night ends at
 * 03:50 local, 80 minutes later). Throws DomainError 'validation' for negative or fractional
 * durations or a zero-length visit.
 */
export function visitTimes(kind: VisitKindSpec, start: number): VisitTimes {
  const { visitMs, chairMs } = prepareKind(kind);
  return { start, end: start + visitMs, chairReleasedAt: start + chairMs };
}
