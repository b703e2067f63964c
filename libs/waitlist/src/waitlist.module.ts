import { Module } from '@nestjs/common';
import { AuditModule } from '@chairtime/audit';
import { SchedulingModule } from '@chairtime/scheduling';
import { CoursesModule } from '@chairtime/courses';
import { MessagingModule } from '@chairtime/messaging';
import { FreedTimeListener } from './freed-time.listener';
import { OfferFreedTimeHandler } from './offer-freed-time.handler';
import { ExpireWaitlistOfferHandler } from './expire-offer.handler';
import { OfferClaimService } from './offer-claim.service';
import { WaitlistService } from './waitlist.service';

/**
 * The waitlist: entries, the freed-time listener (registered with AppointmentEvents at init, so
 * the API and the worker both record freed chair time in the change's transaction), offers and
 * claims (also registered with the one-tap actions). The worker registers the two job handlers.
 */
@Module({
  imports: [AuditModule, SchedulingModule, CoursesModule, MessagingModule],
  providers: [FreedTimeListener, OfferFreedTimeHandler, ExpireWaitlistOfferHandler, OfferClaimService, WaitlistService],
  exports: [OfferFreedTimeHandler, ExpireWaitlistOfferHandler, OfferClaimService, WaitlistService],
})
export class WaitlistModule {}
