import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, CLOCK } from '@chairtime/domain';
import { JobHandler, JobName, JobPayloads } from '@chairtime/jobs';
import { inTransaction } from '@chairtime/persistence';
import { AppointmentEvents } from '@chairtime/scheduling';
import { moveHeldVisits } from './held-visits';

/**
 * Marks a hold expired once its time has passed. Housekeeping only: the booking transaction and
 * availability already treat an expired hold as free, so a late, lost or repeated job changes
 * nothing but the recorded status. Re-reads the row; a confirmed or released hold is left alone.
 * Expiry needs the injected clock AND the database's now() past `hold_expires_at`: a job that
 * arrives early (a worker clock running ahead) changes nothing — the hold then stays `held` in
 * its recorded status only, since booking, availability and confirm judge expiry themselves.
 *
 * Depends on nothing but the database (and the change fan-out when the scheduling module provides
 * it), so the worker can register it without the HTTP-side course services.
 */
@Injectable()
export class ExpireHoldHandler implements JobHandler<JobName.ExpireHold> {
  readonly jobName = JobName.ExpireHold;
  private readonly logger = new Logger(ExpireHoldHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    // Required, not @Optional(): a `| null` type hides the class from Nest's injection metadata.
    private readonly events: AppointmentEvents,
  ) {}

  async handle(payload: JobPayloads[JobName.ExpireHold]): Promise<void> {
    const freed = await inTransaction(this.dataSource, async (em) => {
      const now = new Date(this.clock.now());
      // Both the injected clock and the database must agree that the hold ran out: a worker whose
      // clock runs ahead gets its job early and must not cancel a hold the patient may still confirm.
      const [, changed] = (await em.query(
        `UPDATE booking SET status = 'expired', updated_at = now()
          WHERE id = $1 AND status = 'held' AND hold_expires_at <= $2 AND hold_expires_at <= now() RETURNING id`,
        [payload.bookingId, now],
      )) as [unknown, number];
      if (changed !== 1) return 0;
      const moved = await moveHeldVisits(em, payload.bookingId, 'cancelled', now, 'hold-expired');
      await this.events.emit(
        em,
        moved.map((a) => ({ type: 'expired' as const, appointment: a })),
      );
      return moved.length;
    });
    if (freed > 0) this.logger.log({ bookingId: payload.bookingId, freed }, 'hold expired');
  }
}
