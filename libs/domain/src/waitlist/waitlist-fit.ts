import { DomainError } from '../shared/domain-error';
import { validateMovedSeries } from '../protocols/series-move';
import type { QuietWindow } from '../messaging/quiet-hours';
import type { Protocol } from '../protocols/protocol.types';

/** How many waiting patients one freed chair time is offered to at once (first claim wins). */
export const OFFERS_PER_FREED_TIME = 3;

/** How long an offer can be claimed: short, because the chair time is only worth it while it is ahead. */
export const OFFER_MINUTES = 30;

/** The longest waiting window a patient may ask for (about a quarter), so stale entries age out. */
export const MAX_WAIT_WINDOW_DAYS = 92;

/** Chair time that a cancel, a move away or a released hold gave back. */
export interface FreedTime {
  /** Epoch ms: the start the freed chair time can host. */
  start: number;
  /** Capabilities of the freed chair. */
  chairCapabilities: readonly string[];
}

/** One live visit of the waiting patient's course. */
export interface CourseVisit {
  id: string;
  sequence: number;
  /** Epoch ms. */
  start: number;
  /** Only a booked visit still ahead can be moved; checked-in or past visits stay where they are. */
  movable: boolean;
}

/** A waiting patient's course, as the fit needs it. */
export interface WaitingCourse {
  protocol: Protocol;
  /** The chair capability the course's visit kind needs; null for kinds without a chair. */
  capability: string | null;
  visits: CourseVisit[];
  /** The course's anchor (repeat protocols), epoch ms. */
  anchor?: number;
  /** The patient's window, epoch ms, both ends included. */
  earliest: number;
  latest: number;
}

/** The visit a freed time would move earlier. */
export interface WaitlistFit {
  visitId: string;
  sequence: number;
}

/**
 * Which visit of a waiting course the freed time could take, or null. A fit needs all of:
 * - the freed start inside the patient's window;
 * - a chair able to host the course's visit kind;
 * - a movable visit that starts later than the freed time (a waitlist is for sooner, never later);
 * - the whole series, with that visit moved, still valid under the course's protocol version
 *   (min gap, week counts, span, repeat window): the same rule the reschedule guard applies.
 * The earliest such visit by sequence is chosen, so the offer is deterministic.
 *
 * Capacity (nurses, stagger, the chair itself) is not judged here: the claim books through the
 * booking path, whose locks and exclusion constraints decide.
 */
export function findWaitlistFit(freed: FreedTime, course: WaitingCourse, zone: string): WaitlistFit | null {
  if (freed.start < course.earliest || freed.start > course.latest) return null;
  if (course.capability === null || !freed.chairCapabilities.includes(course.capability)) return null;
  const candidates = course.visits.filter((v) => v.movable && v.start > freed.start).sort((a, b) => a.sequence - b.sequence);
  for (const visit of candidates) {
    const series = course.visits.map((v) => ({ sequence: v.sequence, start: v.id === visit.id ? freed.start : v.start }));
    if (validateMovedSeries(course.protocol, series, zone, course.anchor).length === 0) {
      return { visitId: visit.id, sequence: visit.sequence };
    }
  }
  return null;
}

/**
 * Checks a waiting window: it must lie ahead, run forwards and span at most
 * {@link MAX_WAIT_WINDOW_DAYS}. Throws `DomainError('validation')` naming the field.
 */
export function assertWaitWindow(earliest: number, latest: number, now: number): void {
  if (earliest < now) throw new DomainError('validation', 'earliest is in the past', { path: 'earliest' });
  if (latest <= earliest) throw new DomainError('validation', 'latest must be after earliest', { path: 'latest' });
  if (latest - earliest > MAX_WAIT_WINDOW_DAYS * 86_400_000) {
    throw new DomainError('validation', `the window may span at most ${MAX_WAIT_WINDOW_DAYS} days`, { path: 'latest' });
  }
}

/** When an offer's message goes out and until when the offer can be claimed. */
export interface OfferTiming {
  sendAt: number;
  expiresAt: number;
}

/**
 * When a waitlist message about an offered start goes out: it is not urgent, so quiet hours hold
 * it back until the patient's morning. Null when it could only go out at or after the start —
 * an offer could no longer be claimed, and a "gone" notice would tell of a time already past.
 */
export function waitlistSendAt(now: number, offeredStart: number, quiet: Pick<QuietWindow, 'nextAllowed'>): number | null {
  const sendAt = quiet.nextAllowed(now);
  return sendAt < offeredStart ? sendAt : null;
}

/**
 * An offer goes out at {@link waitlistSendAt}; its {@link OFFER_MINUTES} run from when it is
 * sent, never past the offered start. Null when the offer would be useless.
 */
export function offerTiming(now: number, freedStart: number, quiet: Pick<QuietWindow, 'nextAllowed'>): OfferTiming | null {
  const sendAt = waitlistSendAt(now, freedStart, quiet);
  if (sendAt === null) return null;
  return { sendAt, expiresAt: Math.min(sendAt + OFFER_MINUTES * 60_000, freedStart) };
}
