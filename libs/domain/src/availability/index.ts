export * from './availability.types';
export { visitTimes } from './visit-times';
export { computeAvailability } from './compute-availability';
export { checkStart } from './check-start';
export { capacitySummary } from './capacity-summary';
