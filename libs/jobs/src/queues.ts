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
}

/** Which queue each job runs on: one table, checked at worker start-up. */
export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.Reconcile]: QueueName.Maintenance,
  [JobName.PurgeOutbox]: QueueName.Maintenance,
};

/** Job payloads carry ids only — never names, phones or clinical words (they sit in Redis). */
export interface JobPayloads {
  [JobName.Reconcile]: Record<string, never>;
  [JobName.PurgeOutbox]: Record<string, never>;
}
