import { createStateMachine, TransitionTable } from '../shared/state-machine';

/** Every status a treatment course can be in. */
export const COURSE_STATUSES = ['draft', 'booked', 'completed', 'cancelled'] as const;

/** Status of a treatment course. */
export type CourseStatus = (typeof COURSE_STATUSES)[number];

/** Every action that moves a course. */
export const COURSE_ACTIONS = ['book', 'complete', 'cancel'] as const;

/** An action on a course. */
export type CourseAction = (typeof COURSE_ACTIONS)[number];

/**
 * A course is `draft` until every visit of its plan is booked, then `booked`, then `completed`
 * when the last visit is discharged. A completed course is history and cannot be cancelled.
 */
export const COURSE_TRANSITIONS: TransitionTable<CourseStatus, CourseAction> = {
  draft: { book: 'booked', cancel: 'cancelled' },
  booked: { complete: 'completed', cancel: 'cancelled' },
  completed: {},
  cancelled: {},
};

/** The course lifecycle. */
export const courseMachine = createStateMachine<CourseStatus, CourseAction>({
  name: 'course',
  actions: COURSE_ACTIONS,
  transitions: COURSE_TRANSITIONS,
});
