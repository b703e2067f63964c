/**
 * Queue and job names are stable strings: they are stored in Redis with every job, so renaming
 * one would orphan queued work. Never derive them from class names.
 */
export enum QueueName {
  /** Patient messages (reminders, ride requests, check-ins), delayed until their send time. */
  Messages = 'messages',
  /** Time-driven state changes: hold expiry, ride escalation, REMS form deadlines. */
  Workflows = 'workflows',
  /** Housekeeping: rebuild Redis from Postgres, retention. */
  Maintenance = 'maintenance',
}

export enum JobName {
  Reconcile = 'reconcile',
  PurgeOutbox = 'purge-outbox',
  /** Deletes audit rows past AUDIT_RETENTION_DAYS (identity/audit). */
  PurgeAudit = 'purge-audit',
  /** Ends open messages past their not-after (messaging) and closes their send jobs. */
  ExpireMessages = 'expire-messages',
  /** Deletes idempotency keys older than 24 hours (courses). */
  PurgeIdempotencyKeys = 'purge-idempotency-keys',
  /** Marks a series hold expired (courses); correctness never waits for it. */
  ExpireHold = 'expire-hold',
  /** Plans the messages of visits just booked (messaging); re-reads the visits, plans each once. */
  PlanMessages = 'plan-messages',
  /** Sends one planned patient message (messaging); re-reads the message and its visit. */
  SendMessage = 'send-message',
  /** Ride-home escalation of a visit at T−24 h / T−3 h (messaging); skips when the visit changed. */
  RideCheck = 'ride-check',
  /** Offers chair time a change freed to fitting waitlist entries (waitlist); re-reads the freed row. */
  OfferFreedTime = 'offer-freed-time',
  /** Marks an unclaimed waitlist offer expired (waitlist); claims already refuse it by the clock. */
  ExpireWaitlistOffer = 'expire-waitlist-offer',
}

/** Which queue each job runs on: one table, checked at worker start-up. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.Reconcile]: QueueName.Maintenance,
  [JobName.PurgeOutbox]: QueueName.Maintenance,
  [JobName.PurgeAudit]: QueueName.Maintenance,
  [JobName.ExpireMessages]: QueueName.Maintenance,
  [JobName.PurgeIdempotencyKeys]: QueueName.Maintenance,
  [JobName.ExpireHold]: QueueName.Workflows,
  [JobName.PlanMessages]: QueueName.Workflows,
  [JobName.SendMessage]: QueueName.Messages,
  [JobName.RideCheck]: QueueName.Workflows,
  [JobName.OfferFreedTime]: QueueName.Workflows,
  [JobName.ExpireWaitlistOffer]: QueueName.Workflows,
};

/** Job payloads carry ids only — never names, phones or clinical words (they sit in Redis). */
export interface JobPayloads {
  [JobName.Reconcile]: Record<string, never>;
  [JobName.PurgeOutbox]: Record<string, never>;
  [JobName.PurgeAudit]: Record<string, never>;
  [JobName.ExpireMessages]: Record<string, never>;
  [JobName.PurgeIdempotencyKeys]: Record<string, never>;
  [JobName.ExpireHold]: { bookingId: string };
  /** `bookedAt`: the booking's time (epoch ms), which the plan is made for. */
  [JobName.PlanMessages]: { appointmentIds: string[]; bookedAt: number };
  [JobName.SendMessage]: { messageId: string };
  [JobName.RideCheck]: { appointmentId: string; version: number; stage: 't-24h' | 't-3h' };
  [JobName.OfferFreedTime]: { freedId: string };
  [JobName.ExpireWaitlistOffer]: { offerId: string };
}
