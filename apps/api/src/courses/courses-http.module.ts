import { Module } from '@nestjs/common';
import { CoursesModule } from '@chairtime/courses';
import { ProtocolsController } from './protocols.controller';
import { CoursesController } from './courses.controller';
import { CourseBookingsController } from './course-bookings.controller';

/** HTTP surface of treatment courses (API.md "Protocols, courses, plans and bookings"). */
@Module({
  imports: [CoursesModule],
  controllers: [ProtocolsController, CoursesController, CourseBookingsController],
})
export class CoursesHttpModule {}
