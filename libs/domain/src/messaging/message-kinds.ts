/** Every kind of message the product sends (stable strings; part of job ids and the API). */
export const MESSAGE_KINDS = [
  'booking-confirmation',
  'preparation',
  'ride-request',
  'ride-second-request',
  'reminder',
  'final-reminder',
  'side-effects-check-in',
  'next-day-check-in',
  'phq9-check-in',
  'booster-due',
  'crisis-resources',
  'booster-offer',
  'waitlist-offer',
  'waitlist-offer-gone',
] as const;

/** A message kind. */
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** What a plan entry's offset is measured from. */
export const MESSAGE_ANCHORS = ['booking', 'start', 'chair-release', 'course-end'] as const;

/** A plan entry's anchor. */
export type MessageAnchor = (typeof MESSAGE_ANCHORS)[number];

/** How a message reaches the patient. */
export const MESSAGE_CHANNELS = ['sms', 'email'] as const;

/** A message channel. */
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/**
 * Kinds that go out before the visit and only make sense before it: they must be anchored on
 * `start` with a negative offset, and quiet hours may never push them past the start.
 */
export const PRE_VISIT_KINDS: readonly MessageKind[] = ['preparation', 'ride-request', 'ride-second-request', 'reminder', 'final-reminder'];

/**
 * Kinds raised by an event rather than by the plan: crisis resources by a safety escalation, a
 * waitlist offer by a freed chair, its "gone" notice by someone else taking that chair time. A
 * plan may not schedule them.
 */
export const EVENT_ONLY_KINDS: readonly MessageKind[] = ['crisis-resources', 'waitlist-offer', 'waitlist-offer-gone'];

/** True for safety messages, which quiet hours never delay. */
export const isUrgent = (kind: MessageKind): boolean => kind === 'crisis-resources';
