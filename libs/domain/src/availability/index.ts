export * from './availability.types';
export { visitTimes } from './visit-times';
export { computeAvailability } from './compute-availability';
export { checkStart, startCheckWindow } from './check-start';
export type { Interval } from './interval-set';
export { capacitySummary } from './capacity-summary';
export * from './setup-spans';
export { fitBookedVisits } from './visit-fit';
export type { BookedVisit, DisplacedVisit, ReassignedVisit, VisitFit } from './visit-fit';
