import { DateTime } from 'luxon';
import { DAY_MS, fixOffset, MINUTE_MS, zoneOf } from '../time/zone-math';
import { DomainError } from '../shared/domain-error';
import {
  EVENT_ONLY_KINDS,
  MESSAGE_ANCHORS,
  MESSAGE_CHANNELS,
  MESSAGE_KINDS,
  MessageAnchor,
  MessageChannel,
  MessageKind,
  PRE_VISIT_KINDS,
} from './message-kinds';

/** One line of a clinic's reminder and follow-up plan (`GET|PUT /v1/clinics/:id/message-plan`). */
export interface MessagePlanEntry {
  kind: MessageKind;
  /** Visit kinds the entry applies to. */
  visitKinds: string[];
  /** Signed ISO 8601 duration from the anchor: `-PT72H`, `PT3H`, `P7D`. */
  offset: string;
  anchor: MessageAnchor;
  /** Forces a channel; absent means the patient's contact preference. */
  channel?: MessageChannel;
}

/**
 * Visit kinds a plan may name. Kept here rather than imported so the messaging rules stay
 * self-contained; it must list the same codes as the protocols' visit kinds.
 */
export const MESSAGE_PLAN_VISIT_KINDS = ['intake', 'iv-infusion', 'im-injection', 'spravato', 'lozenge', 'follow-up'] as const;

/** Most entries a plan may hold: enough for any real plan, few enough to bound scheduling work. */
export const MAX_MESSAGE_PLAN_ENTRIES = 50;

/** Largest offset either way; a reminder a year and more away is a typo. */
export const MAX_MESSAGE_OFFSET_DAYS = 400;

const CHAIR_KINDS = ['iv-infusion', 'im-injection', 'spravato'];
const CONSULT_KINDS = ['intake', 'follow-up'];
const INDUCTION_KINDS = ['iv-infusion', 'im-injection'];

/**
 * The default plan (DOMAIN.md, "Reminder and follow-up plan"). T−72 h and T−24 h are the two
 * reminders that cut missed visits most (Steiner 2018); the course-end check-ins at +7, +14 and
 * +19 days bracket the ~19-day average time to relapse after an induction series. Course-end
 * entries are limited to IV and IM inductions; Spravato's course runs into maintenance instead.
 * "Booster due at +28 days, then monthly" is three explicit entries four weeks apart (the
 * iv-booster interval): bounded, visible in the plan, and each one is withdrawn once the patient
 * has a booster booked (see MessageSchedulerListener).
 * `ride-second-request` is not in the plan: the T−24 h reminder's workflow sends it only when
 * the ride is still unconfirmed.
 */
export const DEFAULT_MESSAGE_PLAN: readonly MessagePlanEntry[] = Object.freeze([
  { kind: 'booking-confirmation', visitKinds: [...MESSAGE_PLAN_VISIT_KINDS], offset: 'PT0S', anchor: 'booking' },
  { kind: 'preparation', visitKinds: [...CHAIR_KINDS], offset: '-PT72H', anchor: 'start' },
  { kind: 'ride-request', visitKinds: [...CHAIR_KINDS], offset: '-PT48H', anchor: 'start' },
  { kind: 'reminder', visitKinds: [...CHAIR_KINDS, ...CONSULT_KINDS], offset: '-PT24H', anchor: 'start' },
  { kind: 'final-reminder', visitKinds: [...CHAIR_KINDS, ...CONSULT_KINDS], offset: '-PT3H', anchor: 'start' },
  { kind: 'side-effects-check-in', visitKinds: [...CHAIR_KINDS], offset: 'PT3H', anchor: 'chair-release' },
  { kind: 'next-day-check-in', visitKinds: [...CHAIR_KINDS], offset: 'P1D', anchor: 'chair-release' },
  { kind: 'phq9-check-in', visitKinds: [...INDUCTION_KINDS], offset: 'P7D', anchor: 'course-end' },
  { kind: 'phq9-check-in', visitKinds: [...INDUCTION_KINDS], offset: 'P14D', anchor: 'course-end' },
  { kind: 'phq9-check-in', visitKinds: [...INDUCTION_KINDS], offset: 'P19D', anchor: 'course-end' },
  { kind: 'booster-due', visitKinds: [...INDUCTION_KINDS], offset: 'P28D', anchor: 'course-end' },
  { kind: 'booster-due', visitKinds: [...INDUCTION_KINDS], offset: 'P56D', anchor: 'course-end' },
  { kind: 'booster-due', visitKinds: [...INDUCTION_KINDS], offset: 'P84D', anchor: 'course-end' },
] satisfies MessagePlanEntry[]);

/** A parsed offset: calendar part (days) and exact part (ms), with a sign. */
export interface MessageOffset {
  sign: 1 | -1;
  /** Calendar days (weeks × 7 + days), applied on the patient's wall clock. */
  days: number;
  /** Hours, minutes and seconds, as exact milliseconds. */
  ms: number;
}

const OFFSET_PATTERN = /^([+-])?P(?:(\d{1,3})W)?(?:(\d{1,3})D)?(?:T(?:(\d{1,5})H)?(?:(\d{1,6})M)?(?:(\d{1,8})S)?)?$/;

/**
 * Parses a signed ISO 8601 duration limited to weeks, days, hours, minutes and seconds. Years
 * and months are refused: "a month after the course" means different days in different months,
 * and the plan should say `P28D` or `P30D` explicitly. Fractions are refused for the same reason.
 *
 * @returns null when the text is not such a duration
 */
export function parseMessageOffset(text: string): MessageOffset | null {
  if (typeof text !== 'string') return null;
  const m = OFFSET_PATTERN.exec(text);
  if (!m || text.endsWith('T') || /^[+-]?P$/.test(text)) return null;
  const [, sign, w, d, h, min, s] = m;
  const n = (v: string | undefined) => (v === undefined ? 0 : Number(v));
  return {
    sign: sign === '-' ? -1 : 1,
    days: n(w) * 7 + n(d),
    ms: ((n(h) * 60 + n(min)) * 60 + n(s)) * 1000,
  };
}

/** Approximate signed length of an offset in ms (days as 24 h), for ordering and limits only. */
export function offsetApproxMs(o: MessageOffset): number {
  return o.sign * (o.days * 86_400_000 + o.ms);
}

/**
 * Applies an offset to an anchor instant. Days move the patient's calendar (P1D after a 15:00
 * release is 15:00 the next local day, across a DST change too); hours are exact (−PT72H is
 * 72 real hours before the start).
 */
export function applyMessageOffset(anchor: number, offset: MessageOffset, zone: string): number {
  const tz = zoneOf(zone);
  if (!tz || !Number.isFinite(anchor)) {
    // luxon judges what the wall-clock arithmetic below cannot (an unknown zone, a bad instant).
    const local = DateTime.fromMillis(anchor, { zone });
    const moved = offset.sign === 1 ? local.plus({ days: offset.days }) : local.minus({ days: offset.days });
    return moved.toMillis() + offset.sign * offset.ms;
  }
  // luxon's `plus({days})` on wall ms: the calendar moves, the offset is re-guessed from the anchor's.
  const o = tz.offset(anchor);
  const [moved] = fixOffset(tz, anchor + o * MINUTE_MS + offset.sign * offset.days * DAY_MS, o);
  return moved + offset.sign * offset.ms;
}

type FieldError = { path: string; message: string };

function entryErrors(raw: unknown, at: string): FieldError[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [{ path: at, message: 'must be an object' }];
  const { kind, visitKinds, offset, anchor, channel } = raw as Record<string, unknown>;
  const errors: FieldError[] = [];
  if (typeof kind !== 'string' || !(MESSAGE_KINDS as readonly string[]).includes(kind)) {
    errors.push({ path: `${at}.kind`, message: 'unknown message kind' });
  } else if (EVENT_ONLY_KINDS.includes(kind as MessageKind)) {
    errors.push({ path: `${at}.kind`, message: `${kind} is sent by its workflow, not by the plan` });
  }
  if (!Array.isArray(visitKinds) || visitKinds.length === 0) {
    errors.push({ path: `${at}.visitKinds`, message: 'must be a non-empty array' });
  } else {
    visitKinds.forEach((v: unknown, j) => {
      if (typeof v !== 'string' || !(MESSAGE_PLAN_VISIT_KINDS as readonly string[]).includes(v)) {
        errors.push({ path: `${at}.visitKinds[${j}]`, message: 'unknown visit kind' });
      } else if (visitKinds.indexOf(v) !== j) {
        errors.push({ path: `${at}.visitKinds[${j}]`, message: `${v} is listed twice` });
      }
    });
  }
  const anchorOk = typeof anchor === 'string' && (MESSAGE_ANCHORS as readonly string[]).includes(anchor);
  if (!anchorOk) errors.push({ path: `${at}.anchor`, message: `must be one of ${MESSAGE_ANCHORS.join(', ')}` });
  const parsed = typeof offset === 'string' ? parseMessageOffset(offset) : null;
  if (parsed === null) {
    errors.push({
      path: `${at}.offset`,
      message: 'must be a signed ISO 8601 duration in weeks, days, hours, minutes or seconds (e.g. -PT72H, P7D)',
    });
  } else {
    const approx = offsetApproxMs(parsed);
    if (Math.abs(approx) > MAX_MESSAGE_OFFSET_DAYS * 86_400_000) {
      errors.push({ path: `${at}.offset`, message: `must be within ${MAX_MESSAGE_OFFSET_DAYS} days` });
    } else if (anchorOk && anchor !== 'start' && approx < 0) {
      // Before a booking nothing exists to remind of; before a chair release or a course end
      // the patient is still in the chair or the course, which the start anchor expresses.
      errors.push({ path: `${at}.offset`, message: `must not be negative for anchor ${anchor}` });
    } else if (anchorOk && PRE_VISIT_KINDS.includes(kind as MessageKind) && (anchor !== 'start' || approx >= 0)) {
      errors.push({ path: `${at}.offset`, message: `${kind} must come before the visit: anchor start with a negative offset` });
    }
  }
  if (channel !== undefined && !(MESSAGE_CHANNELS as readonly unknown[]).includes(channel)) {
    errors.push({ path: `${at}.channel`, message: `must be one of ${MESSAGE_CHANNELS.join(', ')}` });
  }
  return errors;
}

/**
 * Validates a clinic's plan (`PUT /v1/clinics/:id/message-plan`).
 *
 * Rules beyond shape: at most 50 entries; `crisis-resources`, `waitlist-offer` and
 * `waitlist-offer-gone` cannot be planned; pre-visit kinds (preparation, ride requests, reminders) must be anchored on `start`
 * with a negative offset — a "reminder" after the visit has begun reminds of nothing — and only
 * the `start` anchor takes negative offsets; two entries with the same kind, anchor and offset
 * may not share a visit kind (the patient would get the message twice).
 *
 * @returns the entries, typed and copied
 * @throws DomainError `validation` with `errors: [{path: '[i].offset', message}]`
 */
export function validateMessagePlan(entries: unknown): MessagePlanEntry[] {
  if (!Array.isArray(entries)) {
    throw new DomainError('validation', 'The message plan must be an array', { errors: [{ path: '', message: 'must be an array' }] });
  }
  if (entries.length > MAX_MESSAGE_PLAN_ENTRIES) {
    throw new DomainError('validation', 'The message plan is too long', {
      errors: [{ path: '', message: `must have at most ${MAX_MESSAGE_PLAN_ENTRIES} entries` }],
    });
  }
  const errors = entries.flatMap((e: unknown, i) => entryErrors(e, `[${i}]`));
  if (errors.length === 0) {
    const seen = new Map<string, number>();
    (entries as MessagePlanEntry[]).forEach((e, i) => {
      const o = parseMessageOffset(e.offset) as MessageOffset;
      for (const v of e.visitKinds) {
        const key = `${e.kind}|${e.anchor}|${o.sign * o.days}|${o.sign * o.ms}|${v}`;
        const first = seen.get(key);
        if (first !== undefined) errors.push({ path: `[${i}]`, message: `duplicates entry [${first}] for ${v}` });
        else seen.set(key, i);
      }
    });
  }
  if (errors.length > 0) throw new DomainError('validation', 'The message plan has invalid entries', { errors });
  return (entries as MessagePlanEntry[]).map((e) => ({
    kind: e.kind,
    visitKinds: [...e.visitKinds],
    offset: e.offset,
    anchor: e.anchor,
    ...(e.channel !== undefined ? { channel: e.channel } : {}),
  }));
}
