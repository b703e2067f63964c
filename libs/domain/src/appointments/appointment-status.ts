import { createStateMachine, TransitionTable } from '../shared/state-machine';

/** Every status an appointment can be in (stable strings, stored and returned by the API). */
export const APPOINTMENT_STATUSES = [
  'held',
  'booked',
  'checked-in',
  'vitals-hold',
  'in-treatment',
  'discharged',
  'cancelled',
  'no-show',
] as const;

/** Status of an appointment. */
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

/**
 * Statuses that occupy a chair. `discharged` stays in the set because the chair time
 * (`[startsAt, chairReleasedAt)`) was used, so it still counts for capacity and utilization;
 * `cancelled` and `no-show` free it.
 */
export const ACTIVE_STATUSES: readonly AppointmentStatus[] = Object.freeze([
  'held',
  'booked',
  'checked-in',
  'vitals-hold',
  'in-treatment',
  'discharged',
]);

/** True when an appointment in `status` occupies its chair. */
export const isActiveStatus = (status: AppointmentStatus): boolean => ACTIVE_STATUSES.includes(status);

/** Every action that moves an appointment. */
export const APPOINTMENT_ACTIONS = [
  'confirm',
  'release',
  'expire',
  'cancel',
  'reschedule',
  'no-show',
  'check-in',
  'vitals-hold',
  'clear-hold',
  'start',
  'discharge',
] as const;

/** An action on an appointment. */
export type AppointmentAction = (typeof APPOINTMENT_ACTIONS)[number];

/**
 * The one place that says how an appointment moves.
 *
 * - A hold ends by `confirm`, by the patient's `release`, or by `expire` after its time-to-live.
 * - `reschedule` keeps `booked`: the row moves in time and its pending messages are superseded.
 *   Only a booked visit moves; once the patient is checked in, the day is under way.
 * - `cancel` is allowed up to `vitals-hold` (a visit the prescriber declines to start after a
 *   hold is cancelled), never once treatment has started.
 * - `clear-hold` returns a visit to `checked-in` after a clinician has reviewed the readings;
 *   it does not start the treatment by itself.
 * - `discharged`, `cancelled` and `no-show` are terminal.
 */
export const APPOINTMENT_TRANSITIONS: TransitionTable<AppointmentStatus, AppointmentAction> = {
  held: { confirm: 'booked', release: 'cancelled', expire: 'cancelled' },
  booked: { cancel: 'cancelled', reschedule: 'booked', 'no-show': 'no-show', 'check-in': 'checked-in' },
  'checked-in': { cancel: 'cancelled', 'vitals-hold': 'vitals-hold', start: 'in-treatment' },
  'vitals-hold': { cancel: 'cancelled', 'clear-hold': 'checked-in' },
  'in-treatment': { discharge: 'discharged' },
  discharged: {},
  cancelled: {},
  'no-show': {},
};

/** The appointment lifecycle; `appointmentMachine.next(status, action)` throws `invalid-state`. */
export const appointmentMachine = createStateMachine<AppointmentStatus, AppointmentAction>({
  name: 'appointment',
  actions: APPOINTMENT_ACTIONS,
  transitions: APPOINTMENT_TRANSITIONS,
});
