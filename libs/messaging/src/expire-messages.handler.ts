import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '@chairtime/domain';
import { JobHandler, JobName, OutboxEntry, cancelJobs } from '@chairtime/jobs';
import { inTransaction } from '@chairtime/persistence';
import { sendJobId } from './send-job';
import { SEND_LEASE_MS } from './send-endings';

/** Rows one sweep statement ends; the sweep loops until none are left. */
const BATCH = 2000;

/**
 * The maintenance sweep that ends every message whose not-after passed while it was still open
 * (its job lost, failed for good by BullMQ without reaching the handler, or never run): a
 * `scheduled` one becomes `expired` (`not-after`); a `sending` one whose claim outlived the send
 * lease was left by an attempt that died mid-call and is recorded `sent` with `attempt-lost`
 * (its outcome is unknown; it is never sent again). Their send jobs' outbox rows are closed and
 * removals queued, so the reconciler never brings them back.
 */
@Injectable()
export class ExpireMessagesHandler implements JobHandler<JobName.ExpireMessages> {
  readonly jobName = JobName.ExpireMessages;
  private readonly logger = new Logger(ExpireMessagesHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(): Promise<void> {
    const ended = await this.sweep();
    if (ended > 0) this.logger.log({ ended }, 'open messages past not-after ended');
  }

  /** Returns how many messages it ended. */
  async sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = new Date(this.clock.now());
      const n = await inTransaction(this.dataSource, async (em) => {
        const [rows] = (await em.query(
          `UPDATE message m SET
             status = CASE WHEN m.status = 'scheduled' THEN 'expired' ELSE 'sent' END,
             skip_reason = CASE WHEN m.status = 'scheduled' THEN 'not-after' ELSE m.skip_reason END,
             error = CASE WHEN m.status = 'scheduled' THEN m.error ELSE 'attempt-lost' END,
             sent_at = CASE WHEN m.status = 'scheduled' THEN m.sent_at ELSE $1::timestamptz END
           WHERE m.id IN (SELECT id FROM message WHERE status IN ('scheduled', 'sending') AND not_after <= $1
                            AND (status = 'scheduled' OR claimed_at < $2) ORDER BY not_after LIMIT $3 FOR UPDATE SKIP LOCKED)
           RETURNING m.id, m.clinic_id`,
          [now, new Date(now.getTime() - SEND_LEASE_MS), BATCH],
        )) as [{ id: string; clinic_id: string }[], number];
        const byClinic = new Map<string, string[]>();
        for (const r of rows) byClinic.set(r.clinic_id, [...(byClinic.get(r.clinic_id) ?? []), sendJobId(r.id)]);
        for (const [clinicId, ids] of byClinic) await cancelJobs(em, JobName.SendMessage, ids, clinicId);
        return rows.length;
      });
      total += n;
      if (n < BATCH) return total;
    }
  }
}

/**
 * Of outbox rows whose jobs are missing from Redis, those worth restoring: every job but a send
 * whose message is no longer open (`scheduled` or `sending`) or is past its not-after — a
 * restored one could only end it, or, before send-time checks existed, send it a week late. The
 * others' rows are closed here. Used by the reconciler.
 */
export async function sendJobsStillDue(ds: DataSource, rows: OutboxEntry[], now: number): Promise<OutboxEntry[]> {
  const sends = rows.filter((r) => r.jobName === JobName.SendMessage && r.op === 'add');
  if (sends.length === 0) return rows;
  const ids = [...new Set(sends.map((r) => String((r.payload as { messageId?: string }).messageId)))];
  const open = (await ds.query(
    `SELECT id FROM message WHERE id = ANY($1::uuid[]) AND status IN ('scheduled', 'sending') AND not_after > $2`,
    [ids, new Date(now)],
  )) as { id: string }[];
  const due = new Set(open.map((m) => m.id));
  const ended = sends.filter((r) => !due.has(String((r.payload as { messageId?: string }).messageId)));
  if (ended.length > 0) {
    await ds.query(`UPDATE outbox_entry SET done_at = now() WHERE id = ANY($1::bigint[]) AND done_at IS NULL`, [ended.map((r) => r.id)]);
  }
  const skip = new Set(ended);
  return rows.filter((r) => !skip.has(r));
}
