import { Global, Module } from '@nestjs/common';
import { AssessmentService, PATIENT_NOTIFIER, TaskService } from '@chairtime/clinical';
import { AuditModule } from '@chairtime/audit';
import { SchedulingModule } from '@chairtime/scheduling';
import { MessagePlanService } from './message-plan.service';
import { MessageSchedulerListener } from './message-scheduler.listener';
import { AppointmentMessagesService } from './appointment-messages.service';
import { UrgentNotifierService } from './urgent-notifier.service';
import { ActionService } from './action.service';
import { InboundSmsService } from './inbound-sms.service';
import { BoosterOfferService } from './booster-offer.service';
import { PlanMessagesHandler } from './plan-messages.handler';
import { MessageLinks } from './message-links.registry';

/**
 * Patient messaging: plans, the appointment-change listener (registered with AppointmentEvents at
 * init, so both the API and the worker plan messages in the change's transaction, or enqueue the
 * planning of visits just booked for {@link PlanMessagesHandler}) and read models.
 * The send handler is registered by the worker in its HANDLERS list. Global so that clinical's
 * optional `@Inject(PATIENT_NOTIFIER)` resolves without clinical importing messaging.
 */
@Global()
@Module({
  imports: [AuditModule, SchedulingModule],
  providers: [
    MessagePlanService,
    MessageSchedulerListener,
    AppointmentMessagesService,
    UrgentNotifierService,
    ActionService,
    InboundSmsService,
    BoosterOfferService,
    MessageLinks,
    // The worker runs it; the API's tests plan what a booking enqueued through it too.
    PlanMessagesHandler,
    // For the worker's RideCheckHandler and check-in answers (stateless; avoids pulling the whole
    // clinical module in).
    TaskService,
    AssessmentService,
    { provide: PATIENT_NOTIFIER, useExisting: UrgentNotifierService },
  ],
  exports: [
    PlanMessagesHandler,
    MessageLinks,
    ActionService,
    InboundSmsService,
    MessagePlanService,
    MessageSchedulerListener,
    AppointmentMessagesService,
    TaskService,
    PATIENT_NOTIFIER,
  ],
})
export class MessagingModule {}
