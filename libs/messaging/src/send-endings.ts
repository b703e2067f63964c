import type { DataSource } from 'typeorm';
import { JOB_QUEUE, JobName } from '@chairtime/jobs';
import { inTransaction } from '@chairtime/persistence';
import type { TaskService } from '@chairtime/clinical';
import { sendJobId } from './send-job';
import type { SendRow } from './send-statements';

/*
 * How a message ends when it is not sent as planned: expired, failed, sent but unconfirmed, or
 * deferred past quiet hours. Each statement moves the message only from the status the caller saw
 * (`scheduled`, or `sending` for its own claim), so a concurrent change wins cleanly.
 */

/**
 * How long a claim (`sending`) belongs to the attempt that made it. Longer than any provider
 * call may take (SMS_TIMEOUT_MS, nodemailer's timeouts); an older claim was left by an attempt
 * that died mid-call, whose outcome is unknown.
 */
export const SEND_LEASE_MS = 2 * 60_000;

/** Kinds whose loss staff must hear about: the ride home and the safety messages. */
const TASK_KINDS: Record<string, { priority: 'high' | 'urgent'; assigneeRole: 'scheduler' | 'clinician' }> = {
  'ride-request': { priority: 'high', assigneeRole: 'scheduler' },
  'ride-second-request': { priority: 'high', assigneeRole: 'scheduler' },
  'crisis-resources': { priority: 'urgent', assigneeRole: 'clinician' },
};

/** The task a message that mattered raises when it failed, expired after errors, or may not have arrived. */
export const MESSAGE_FAILED_TASK = 'message-failed';

/** A deferred send's job: its own id (the running job still holds the message's), named by the new time. */
export const deferredSendJobId = (messageId: string, until: number): string => `${sendJobId(messageId)}-q${until.toString(36)}`;

/**
 * Ends a message the handler claimed (`sending`) without a confirmed send: `failed` or `expired`
 * with the error, or `sent` with the error when the provider's answer never came (`unconfirmed`:
 * it may have gone out). A kind that mattered raises a {@link MESSAGE_FAILED_TASK} in the same
 * transaction. Returns false when the row was no longer this claim's.
 */
export async function endClaimed(
  ds: DataSource,
  tasks: TaskService | undefined,
  msg: Pick<SendRow, 'id' | 'kind' | 'clinic_id' | 'patient_id' | 'appointment_id'>,
  to: 'failed' | 'expired' | 'unconfirmed',
  error: string,
  now: Date,
  from: 'sending' | 'scheduled' = 'sending',
): Promise<boolean> {
  return inTransaction(ds, async (em) => {
    const [, changed] = (await em.query(
      `UPDATE message SET status = $2, error = $3, sent_at = CASE WHEN $2 = 'sent' THEN $4::timestamptz ELSE sent_at END
        WHERE id = $1 AND status = $5`,
      [msg.id, to === 'unconfirmed' ? 'sent' : to, error, now, from],
    )) as [unknown[], number];
    if (!changed) return false;
    const task = TASK_KINDS[msg.kind];
    if (task && tasks) {
      await tasks.raise(em, {
        clinicId: msg.clinic_id,
        patientId: msg.patient_id,
        appointmentId: msg.appointment_id,
        kind: MESSAGE_FAILED_TASK,
        ...task,
      });
    }
    return true;
  });
}

/** A transient failure with attempts and time left: the claim is released for the retry. */
export async function releaseClaim(ds: DataSource, id: string, error: string): Promise<void> {
  await ds.query(`UPDATE message SET status = 'scheduled', claimed_at = NULL, error = $2 WHERE id = $1 AND status = 'sending'`, [
    id,
    error,
  ]);
}

/**
 * Holds a message until quiet hours end: its send time moves and a send job of its own is written
 * for that time, in one statement (nothing is written when the message moved on meanwhile).
 */
export async function deferSend(ds: DataSource, msg: Pick<SendRow, 'id'>, until: number): Promise<boolean> {
  const rows = (await ds.query(
    `WITH m AS (UPDATE message SET send_at = $2 WHERE id = $1 AND status = 'scheduled' RETURNING id, clinic_id)
     INSERT INTO outbox_entry (clinic_id, op, queue, job_name, job_id, payload, run_at)
     SELECT clinic_id, 'add', $3, $4, $5, jsonb_build_object('messageId', id), $2 FROM m RETURNING id`,
    [msg.id, new Date(until), JOB_QUEUE[JobName.SendMessage], JobName.SendMessage, deferredSendJobId(msg.id, until)],
  )) as unknown[];
  return rows.length > 0;
}
