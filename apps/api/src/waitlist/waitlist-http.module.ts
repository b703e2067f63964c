import { Module } from '@nestjs/common';
import { WaitlistModule } from '@chairtime/waitlist';
import { WaitlistController, WaitlistOffersController } from './waitlist.controller';

/** HTTP surface of the waitlist: entries of a clinic and offer claims. */
@Module({
  imports: [WaitlistModule],
  controllers: [WaitlistController, WaitlistOffersController],
})
export class WaitlistHttpModule {}
