import { JobName, OutboxJob } from '@chairtime/jobs';

/**
 * The send job of a message: deterministic, so a re-relay of the same outbox row is a no-op. The
 * uuid is written in base64url (22 characters, not 36): the id is stored three times per pending
 * job in Redis (key, options, delayed set), and there are tens of thousands of them.
 */
export const sendJobId = (messageId: string): string => `msg-${Buffer.from(messageId.replace(/-/g, ''), 'hex').toString('base64url')}`;

/** The outbox job that sends a scheduled message at its send time (ids only, like every job). */
export const sendJob = (msg: { id: string; sendAt: Date; clinicId: string }): OutboxJob<JobName.SendMessage> => ({
  name: JobName.SendMessage,
  jobId: sendJobId(msg.id),
  payload: { messageId: msg.id },
  runAt: msg.sendAt,
  clinicId: msg.clinicId,
});
