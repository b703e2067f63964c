import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '@chairtime/domain';
import { JobHandler, JobName, JobPayloads } from '@chairtime/jobs';
import { inTransaction } from '@chairtime/persistence';
import { closeOffers } from './offer-state';

/**
 * Marks an offer expired once its time has passed, puts its entry back in line and, when the
 * freed time is still open with no other open offer, offers it to the next entries. Claims never
 * wait for this job: they compare `expires_at` with the clock themselves. Expiry is judged against
 * the injected clock, so a job that runs early (or twice) changes nothing.
 */
@Injectable()
export class ExpireWaitlistOfferHandler implements JobHandler<JobName.ExpireWaitlistOffer> {
  readonly jobName = JobName.ExpireWaitlistOffer;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(payload: JobPayloads[JobName.ExpireWaitlistOffer]): Promise<void> {
    await inTransaction(this.dataSource, async (em) => {
      const due = (await em.query(`SELECT id FROM waitlist_offer WHERE id = $1 AND status = 'offered' AND expires_at <= $2`, [
        payload.offerId,
        new Date(this.clock.now()),
      ])) as { id: string }[];
      await closeOffers(
        em,
        due.map((r) => r.id),
        'expired',
        true,
      );
    });
  }
}
