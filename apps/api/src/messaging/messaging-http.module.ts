import { Module } from '@nestjs/common';
import { MessagingModule } from '@chairtime/messaging';
import { AppointmentMessagesController, MessagePlanController } from './messaging.controller';
import { ActionsController } from './actions.controller';
import { InboundSmsController } from './inbound-sms.controller';

/** HTTP surface of messaging: plans, a visit's messages and one-tap actions. */
@Module({
  imports: [MessagingModule],
  controllers: [MessagePlanController, AppointmentMessagesController, ActionsController, InboundSmsController],
})
export class MessagingHttpModule {}
