import { Module } from '@nestjs/common';
import { SchedulingModule } from '@chairtime/scheduling';
import { ProtocolService } from './protocol.service';
import { CourseService } from './course.service';
import { CoursePlannerService } from './course-planner.service';
import { CourseBookingService } from './course-booking.service';
import { CourseNextStepsService } from './course-next-steps.service';
import { IdempotencyService } from './idempotency.service';
import { ExpireHoldHandler } from './expire-hold.handler';
import { CourseRescheduleGuard } from './course-reschedule.guard';
import { PatientVisitGuard } from './patient-visit.guard';

/** Treatment courses: protocols as data, plans, atomic series bookings with holds and idempotency. */
@Module({
  imports: [SchedulingModule],
  providers: [
    ProtocolService,
    CourseService,
    CoursePlannerService,
    CourseBookingService,
    CourseNextStepsService,
    IdempotencyService,
    ExpireHoldHandler,
    CourseRescheduleGuard,
    PatientVisitGuard,
  ],
  exports: [
    ProtocolService,
    CourseService,
    CoursePlannerService,
    CourseBookingService,
    CourseNextStepsService,
    ExpireHoldHandler,
    CourseRescheduleGuard,
    PatientVisitGuard,
  ],
})
export class CoursesModule {}
