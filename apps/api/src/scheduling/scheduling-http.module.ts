import { Module } from '@nestjs/common';
import { SchedulingModule } from '@chairtime/scheduling';
import { IdempotencyService } from '@chairtime/courses';
import { ClinicsController } from './clinics.controller';
import { ChairsController } from './chairs.controller';
import { ClinicSetupController } from './clinic-setup.controller';
import { ClinicCapacityController } from './clinic-capacity.controller';
import { AppointmentsController } from './appointments.controller';

/** HTTP surface of clinics, capacity and single appointments (API.md "Clinics and capacity", "Appointments"). */
@Module({
  imports: [SchedulingModule],
  // Stateless (the keys live in Postgres); provided here because CoursesModule does not export it.
  providers: [IdempotencyService],
  controllers: [ClinicsController, ClinicSetupController, ChairsController, ClinicCapacityController, AppointmentsController],
})
export class SchedulingHttpModule {}
