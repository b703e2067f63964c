export * from './appointment-status';
export * from './course-status';
export * from './vitals';
export * from './discharge';
export * from './rems';
export * from './booking-lead';
