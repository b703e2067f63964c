export * from './availability.types';
export { visitTimes } from './visit-times';
export { computeAvailability } from './compute-availability';
export { checkStart, startCheckWindow } from './check-start';
export type { Interval } from './interval-set';
export { capacitySummary, utilizationByHour } from './capacity-summary';
export type { HourUtilization } from './capacity-summary';
export * from './setup-spans';
