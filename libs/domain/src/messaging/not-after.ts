import { isUrgent, MessageKind, PRE_VISIT_KINDS } from './message-kinds';
import { QuietWindow } from './quiet-hours';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * How long after its planned time a message that is not tied to an instant of its own may still
 * go out. A check-in asks about a moment (the evening after the chair, the next day, the PHQ-9
 * weeks), so it is useful while that moment is fresh — the next check-in of the series is planned
 * before the window would overlap it. A booster prompt is monthly: a week late is still useful,
 * a month late duplicates the next one. Crisis resources are retried for a day; a failure raises
 * a task either way (see the send handler).
 */
export const MESSAGE_WINDOW_MS: Partial<Record<MessageKind, number>> = {
  'side-effects-check-in': 12 * HOUR,
  'next-day-check-in': DAY,
  'phq9-check-in': 3 * DAY,
  'booster-due': 7 * DAY,
  'crisis-resources': DAY,
};

/** Kinds whose planned time is the chair time they offer or talk about: never sent once it has begun. */
const OFFERED_TIME_KINDS: readonly MessageKind[] = ['booster-offer', 'waitlist-offer', 'waitlist-offer-gone'];

/** What {@link messageNotAfter} reads of a message. */
export interface NotAfterInput {
  kind: MessageKind;
  /** Anchor + offset (for offers: the offered start). */
  plannedAt: number;
  /** When it is due (after quiet hours). */
  sendAt: number;
  /** The visit's start, for messages of a visit; null otherwise. */
  visitStart: number | null;
}

/**
 * The instant after which a message is never sent (DOMAIN.md "Every message ends"):
 * - pre-visit kinds and the booking confirmation: the visit's start;
 * - offers and their "gone" notices: the offered start;
 * - check-ins, booster prompts and crisis resources: their planned time plus their window
 *   ({@link MESSAGE_WINDOW_MS}), and never before the message is due.
 * A kind with none of these (none today) gets a day after it is due.
 */
export function messageNotAfter(m: NotAfterInput): number {
  if ((PRE_VISIT_KINDS.includes(m.kind) || m.kind === 'booking-confirmation') && m.visitStart !== null) return m.visitStart;
  if (OFFERED_TIME_KINDS.includes(m.kind)) return m.plannedAt;
  const window = MESSAGE_WINDOW_MS[m.kind] ?? DAY;
  return Math.max(m.plannedAt + window, m.sendAt + (isUrgent(m.kind) ? window : 0));
}

/** What to do with a message that falls due at `now` (checked again at send time). */
export type SendTimeDecision =
  | { action: 'send' }
  | { action: 'expire' }
  | { action: 'defer'; until: number }
  /** Quiet hours last past its not-after. */
  | { action: 'skip-quiet' };

/**
 * The send-time checks: nothing goes out at or after not-after; a non-urgent message whose time
 * falls in the patient's quiet hours (a job running late, a zone or setting changed since it was
 * planned) waits for their end when that is still before not-after, and otherwise is not sent.
 */
export function sendTimeDecision(kind: MessageKind, now: number, notAfter: number, quiet: QuietWindow): SendTimeDecision {
  if (now >= notAfter) return { action: 'expire' };
  if (isUrgent(kind) || !quiet.isQuiet(now)) return { action: 'send' };
  const until = quiet.nextAllowed(now);
  return until < notAfter ? { action: 'defer', until } : { action: 'skip-quiet' };
}

/** How a send whose provider call failed ends this attempt. */
export type FailureOutcome = 'retry' | 'failed' | 'expired';

/**
 * After a provider call failed: a permanent error (the provider refused this message) or no
 * attempt left ends it `failed`; a retry that would only run at or after not-after ends it
 * `expired` now (it could only go out late); otherwise it is retried.
 */
export function afterSendFailure(f: {
  permanent: boolean;
  attemptsLeft: number;
  now: number;
  nextDelayMs: number;
  notAfter: number;
}): FailureOutcome {
  if (f.permanent || f.attemptsLeft <= 0) return 'failed';
  return f.now + f.nextDelayMs >= f.notAfter ? 'expired' : 'retry';
}
