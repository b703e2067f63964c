import { isCheckInKind } from '@chairtime/domain';
import { Appointment } from '@chairtime/scheduling/entities';
import { Message } from './entities';
import { issueActionToken } from './action-tokens';

/** Kinds whose message carries a one-tap "my ride is confirmed" link. */
const RIDE_KINDS = new Set(['ride-request', 'ride-second-request']);

/** Kinds whose message carries a one-tap "I will be there" link. */
const ATTENDANCE_KINDS = new Set(['reminder', 'final-reminder']);

/**
 * Kinds that ask the patient to book a booster: they link to the course's next steps (the booster
 * window, from which the patient's app plans and books). Not a one-tap token: booking needs the
 * patient signed in.
 */
const BOOSTER_KINDS = new Set(['booster-due', 'booster-offer']);

/** The board flag of a visit whose patient confirmed, through a reminder's link, that they will come. */
export const ATTENDANCE_CONFIRMED_FLAG = 'attendance-confirmed';

/** How long a check-in link may be answered: a week covers a weekend away from the phone and ends before the next check-in's answers would blur with it. */
export const CHECK_IN_LINK_DAYS = 7;

/** The `jti` of every link of one check-in message: the check-in is answered once, whichever of its links is used. */
export const checkInJti = (messageId: string): string => `check-in:${messageId}`;

const path = (token: string): string => `/v1/actions/${token}`;

/**
 * The link a message carries, or undefined. One-tap tokens: ride and attendance links expire when
 * the visit starts (after that there is nothing to confirm); check-in links a week after sending.
 * Tokens and paths carry ids only.
 *
 * @param now the send time (epoch ms), from which a check-in link's expiry is counted
 */
export function messageActionUrl(
  secret: string,
  msg: Pick<Message, 'id' | 'kind' | 'patientId' | 'courseId'>,
  appt: Pick<Appointment, 'id' | 'startsAt'> | null,
  now: number,
): string | undefined {
  if (BOOSTER_KINDS.has(msg.kind) && msg.courseId) return `/v1/courses/${msg.courseId}/next-steps`;
  if (!appt) return undefined;
  const visitStart = Math.floor(appt.startsAt.getTime() / 1000);
  if (RIDE_KINDS.has(msg.kind)) return path(issueActionToken(secret, { purpose: 'confirm-ride', appointmentId: appt.id, exp: visitStart }));
  if (ATTENDANCE_KINDS.has(msg.kind)) {
    return path(issueActionToken(secret, { purpose: 'confirm-attendance', appointmentId: appt.id, exp: visitStart }));
  }
  if (isCheckInKind(msg.kind)) {
    return path(
      issueActionToken(secret, {
        purpose: 'check-in-answer',
        appointmentId: appt.id,
        messageId: msg.id,
        patientId: msg.patientId,
        jti: checkInJti(msg.id),
        exp: Math.floor(now / 1000) + CHECK_IN_LINK_DAYS * 86_400,
      }),
    );
  }
  return undefined;
}
