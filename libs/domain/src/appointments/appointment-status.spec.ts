import { DomainError } from '../shared/domain-error';
import {
  ACTIVE_STATUSES,
  APPOINTMENT_ACTIONS,
  APPOINTMENT_STATUSES,
  AppointmentAction,
  AppointmentStatus,
  appointmentMachine,
  isActiveStatus,
} from './appointment-status';
import { COURSE_ACTIONS, COURSE_STATUSES, CourseAction, CourseStatus, courseMachine } from './course-status';

/** The brief's lifecycle, written out independently of the table so a typo in either shows up. */
const ALLOWED: [AppointmentStatus, AppointmentAction, AppointmentStatus][] = [
  ['held', 'confirm', 'booked'],
  ['held', 'release', 'cancelled'],
  ['held', 'expire', 'cancelled'],
  ['booked', 'cancel', 'cancelled'],
  ['checked-in', 'cancel', 'cancelled'],
  ['vitals-hold', 'cancel', 'cancelled'],
  ['booked', 'reschedule', 'booked'],
  ['booked', 'no-show', 'no-show'],
  ['booked', 'check-in', 'checked-in'],
  ['checked-in', 'vitals-hold', 'vitals-hold'],
  ['vitals-hold', 'clear-hold', 'checked-in'],
  ['checked-in', 'start', 'in-treatment'],
  ['in-treatment', 'discharge', 'discharged'],
];

const allowedKey = new Set(ALLOWED.map(([s, a]) => `${s}|${a}`));
const REFUSED: [AppointmentStatus, AppointmentAction][] = APPOINTMENT_STATUSES.flatMap((s) =>
  APPOINTMENT_ACTIONS.filter((a) => !allowedKey.has(`${s}|${a}`)).map((a) => [s, a] as [AppointmentStatus, AppointmentAction]),
);

describe('appointmentMachine', () => {
  it('has exactly the allowed transitions of the brief', () => {
    const fromTable = APPOINTMENT_STATUSES.flatMap((s) => appointmentMachine.allowedActions(s).map((a) => `${s}|${a}`));
    expect(new Set(fromTable)).toEqual(allowedKey);
    expect(REFUSED).toHaveLength(APPOINTMENT_STATUSES.length * APPOINTMENT_ACTIONS.length - ALLOWED.length);
  });

  it.each(ALLOWED)('allows %s --%s--> %s', (from, action, to) => {
    expect(appointmentMachine.can(from, action)).toBe(true);
    expect(appointmentMachine.next(from, action)).toBe(to);
  });

  it.each(REFUSED)('refuses %s --%s', (from, action) => {
    expect(appointmentMachine.can(from, action)).toBe(false);
    let caught: unknown;
    try {
      appointmentMachine.next(from, action);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({ code: 'invalid-state', details: { status: from, action } });
  });

  it('has discharged, cancelled and no-show as the only terminal statuses', () => {
    expect(APPOINTMENT_STATUSES.filter((s) => appointmentMachine.isTerminal(s))).toEqual(['discharged', 'cancelled', 'no-show']);
  });

  it.each(APPOINTMENT_STATUSES.map((s) => [s, !['cancelled', 'no-show'].includes(s)] as const))(
    '%s occupies a chair: %s',
    (status, active) => {
      expect(isActiveStatus(status)).toBe(active);
      expect(ACTIVE_STATUSES.includes(status)).toBe(active);
    },
  );
});

describe('courseMachine', () => {
  const ALLOWED_COURSE: [CourseStatus, CourseAction, CourseStatus][] = [
    ['draft', 'book', 'booked'],
    ['draft', 'cancel', 'cancelled'],
    ['booked', 'complete', 'completed'],
    ['booked', 'cancel', 'cancelled'],
  ];
  const keys = new Set(ALLOWED_COURSE.map(([s, a]) => `${s}|${a}`));
  const REFUSED_COURSE = COURSE_STATUSES.flatMap((s) =>
    COURSE_ACTIONS.filter((a) => !keys.has(`${s}|${a}`)).map((a) => [s, a] as [CourseStatus, CourseAction]),
  );

  it.each(ALLOWED_COURSE)('allows %s --%s--> %s', (from, action, to) => {
    expect(courseMachine.next(from, action)).toBe(to);
  });

  it.each(REFUSED_COURSE)('refuses %s --%s', (from, action) => {
    expect(courseMachine.can(from, action)).toBe(false);
    expect(() => courseMachine.next(from, action)).toThrow(DomainError);
  });
});
