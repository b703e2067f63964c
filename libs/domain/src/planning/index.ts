export * from './planning.types';
export { MAX_PLAN_LIMIT, MAX_TIME_WINDOWS } from './plan-input';
export { planSeries } from './plan-series';
export { estimateCourseStarts } from './course-starts';
