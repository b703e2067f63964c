import { Module } from '@nestjs/common';
import { ClinicalModule } from '@chairtime/clinical';
import { PatientsController } from './patients.controller';
import { ScreeningsController } from './screenings.controller';
import { TasksController } from './tasks.controller';
import { DayOfController } from './day-of.controller';

/** HTTP surface of patients, screening, the day of treatment, outcomes and tasks. */
@Module({
  imports: [ClinicalModule],
  controllers: [PatientsController, ScreeningsController, TasksController, DayOfController],
})
export class ClinicalHttpModule {}
