import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, CLOCK } from '@chairtime/domain';
import { JobHandler, JobName } from '@chairtime/jobs';

/** How long a key replays its first response: Stripe's window, the one clients expect. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 3600_000;
/** Rows deleted per statement, so a large backlog never holds many row locks at once. */
const BATCH = 5_000;

/**
 * Purges idempotency keys older than {@link IDEMPOTENCY_KEY_TTL_MS} by the injected clock (a
 * maintenance job, hourly). A retry within the window replays; a request with a key used more than
 * 24 hours ago is a new request. The table otherwise grew by one row per keyed booking forever,
 * each holding a whole response body. A booking keeps no hold on its key (`ON DELETE SET NULL`).
 */
@Injectable()
export class PurgeIdempotencyKeysHandler implements JobHandler<JobName.PurgeIdempotencyKeys> {
  readonly jobName = JobName.PurgeIdempotencyKeys;
  private readonly logger = new Logger(PurgeIdempotencyKeysHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(): Promise<void> {
    const deleted = await this.purge();
    if (deleted > 0) this.logger.log({ deleted }, 'purged idempotency keys past 24 hours');
  }

  /** Deletes every key made before now − 24 h; returns how many. */
  async purge(): Promise<number> {
    const cutoff = new Date(this.clock.now() - IDEMPOTENCY_KEY_TTL_MS);
    let total = 0;
    for (;;) {
      // TypeORM answers a DELETE with [rows, affectedCount].
      const [, deleted] = (await this.dataSource.query(
        `DELETE FROM idempotency_key WHERE id IN (SELECT id FROM idempotency_key WHERE created_at < $1 LIMIT ${BATCH})`,
        [cutoff],
      )) as [unknown, number];
      total += deleted;
      if (deleted < BATCH) return total;
    }
  }
}
