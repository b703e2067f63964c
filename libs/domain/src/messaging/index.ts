export * from './message-kinds';
export * from './message-plan';
export * from './quiet-hours';
export * from './message-scheduler';
export * from './message-templates';
export * from './course-end';
export * from './check-in-answers';
export * from './booster-offer';
