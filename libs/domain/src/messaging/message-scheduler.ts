import { DomainError } from '../shared/domain-error';
import { isUrgent, MessageAnchor, MessageChannel, MessageKind } from './message-kinds';
import { applyMessageOffset, MessageOffset, MessagePlanEntry, offsetApproxMs, parseMessageOffset } from './message-plan';
import { QuietHours, QuietWindow } from './quiet-hours';

/** The visit a plan is applied to (instants in epoch ms). */
export interface ScheduleVisit {
  kind: string;
  /** When the visit's chair (or consult) time begins. */
  start: number;
  /** When the chair is free again; null for visits without a chair (chair-release entries are left out). */
  chairReleasedAt?: number | null;
  bookedAt: number;
}

/** Everything {@link scheduleMessages} needs; it reads no clock of its own. */
export interface ScheduleMessagesInput {
  plan: readonly MessagePlanEntry[];
  visit: ScheduleVisit;
  /** End of the course's last induction visit; course-end entries are left out until it is known. */
  courseEnd?: number | null;
  /** The patient's IANA zone: quiet hours are the patient's night, not the clinic's. */
  patientZone: string;
  quietHours: QuietHours;
  now: number;
}

/** Why a planned message will not be sent. */
export type MessageSkipReason =
  /** Its planned time had already passed when it was scheduled. */
  | 'past'
  /** Quiet hours cover everything between now and the visit start. */
  | 'quiet-hours';

/** One message of a visit's plan, resolved to instants. */
export interface ScheduledMessage {
  kind: MessageKind;
  anchor: MessageAnchor;
  offset: string;
  channel?: MessageChannel;
  /** Anchor + offset, before quiet hours. */
  plannedAt: number;
  /** When to send; equals `plannedAt` for a skipped message. */
  sendAt: number;
  status: 'scheduled' | 'skipped';
  skipReason?: MessageSkipReason;
  /** How quiet hours moved it: later to their end, or earlier to before they began. */
  adjustment?: 'deferred' | 'pulled-back';
}

function anchorInstant(anchor: MessageAnchor, input: ScheduleMessagesInput): number | null {
  switch (anchor) {
    case 'booking':
      return input.visit.bookedAt;
    case 'start':
      return input.visit.start;
    case 'chair-release':
      return input.visit.chairReleasedAt ?? null;
    case 'course-end':
      return input.courseEnd ?? null;
    default: {
      const unreachable: never = anchor;
      throw new DomainError('validation', `Unknown anchor ${String(unreachable)}`);
    }
  }
}

function checkInstants(input: ScheduleMessagesInput): void {
  const { visit, courseEnd, now } = input;
  const fields: [string, unknown][] = [
    ['visit.start', visit.start],
    ['visit.bookedAt', visit.bookedAt],
    ['now', now],
  ];
  if (visit.chairReleasedAt != null) fields.push(['visit.chairReleasedAt', visit.chairReleasedAt]);
  if (courseEnd != null) fields.push(['courseEnd', courseEnd]);
  const errors = fields.filter(([, v]) => !Number.isFinite(v)).map(([path]) => ({ path, message: 'must be an instant' }));
  if (errors.length > 0) throw new DomainError('validation', 'Invalid scheduling instants', { errors });
}

/**
 * Resolves a visit's messages from the clinic's plan.
 *
 * 1. Entries whose `visitKinds` include the visit's kind are kept; `chair-release` and
 *    `course-end` entries only when that instant is known.
 * 2. `plannedAt` = anchor + offset, days on the patient's calendar, hours exact.
 * 3. A message whose `plannedAt` is at or before `now` is `skipped` / `past` — not sent late —
 *    except a zero-offset `booking` entry (the confirmation), which goes out now — as long as the
 *    visit has not started yet.
 * 4. Quiet hours, on the patient's wall clock, defer a non-urgent message to their end (`to`).
 *    Urgent kinds ({@link isUrgent}) are never held.
 * 5. Pull-back: when the deferral would land at or after the visit start for a message planned
 *    before it (anchors `start` and `booking`), it is moved instead to one minute before quiet
 *    hours began — a T−3 h reminder for an 08:00 visit goes out at 20:59 the evening before,
 *    because a reminder after the start is useless. If that moment has already passed, quiet
 *    hours cover all the time left and the message is skipped with `quiet-hours`.
 *
 * Result order is deterministic: by `sendAt`, then kind, then `plannedAt`, then offset.
 *
 * @throws DomainError `validation` for an unknown zone, malformed quiet hours, a bad offset or a
 *   non-finite instant
 */
export function scheduleMessages(input: ScheduleMessagesInput): ScheduledMessage[] {
  checkInstants(input);
  const { plan, visit, now, patientZone } = input;
  const quiet = new QuietWindow(input.quietHours, patientZone);
  const out: ScheduledMessage[] = [];

  plan.forEach((entry, i) => {
    if (!entry.visitKinds.includes(visit.kind)) return;
    const anchorAt = anchorInstant(entry.anchor, input);
    if (anchorAt === null) return;
    const offset: MessageOffset | null = parseMessageOffset(entry.offset);
    if (offset === null) {
      throw new DomainError('validation', 'Invalid plan offset', {
        errors: [{ path: `[${i}].offset`, message: 'not an ISO 8601 duration' }],
      });
    }
    const plannedAt = applyMessageOffset(anchorAt, offset, patientZone);
    const base = {
      kind: entry.kind,
      anchor: entry.anchor,
      offset: entry.offset,
      ...(entry.channel ? { channel: entry.channel } : {}),
      plannedAt,
    };
    const skipped = (skipReason: MessageSkipReason): ScheduledMessage => ({ ...base, sendAt: plannedAt, status: 'skipped', skipReason });

    // The confirmation goes out late rather than never (a worker behind schedule), but not once
    // the visit has begun: a confirmation of a visit under way or over only confuses.
    const sendNow = entry.anchor === 'booking' && offsetApproxMs(offset) === 0 && now < visit.start;
    if (plannedAt <= now && !sendNow) {
      out.push(skipped('past'));
      return;
    }
    const earliest = Math.max(plannedAt, now);
    if (isUrgent(entry.kind) || !quiet.isQuiet(earliest)) {
      out.push({ ...base, sendAt: earliest, status: 'scheduled' });
      return;
    }
    const deferred = quiet.nextAllowed(earliest);
    const beforeVisit = (entry.anchor === 'start' || entry.anchor === 'booking') && plannedAt < visit.start;
    if (!beforeVisit || deferred < visit.start) {
      out.push({ ...base, sendAt: deferred, status: 'scheduled', adjustment: 'deferred' });
      return;
    }
    const pulledBack = quiet.lastAllowedBefore(earliest);
    if (pulledBack <= now) out.push(skipped('quiet-hours'));
    else out.push({ ...base, sendAt: pulledBack, status: 'scheduled', adjustment: 'pulled-back' });
  });

  return out.sort(
    (a, b) =>
      a.sendAt - b.sendAt ||
      (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
      a.plannedAt - b.plannedAt ||
      (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0),
  );
}
