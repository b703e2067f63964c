import { Module } from '@nestjs/common';
import { ClinicalModule } from '@chairtime/clinical';
import { PatientsController } from './patients.controller';
import { ScreeningsController } from './screenings.controller';
import { TasksController } from './tasks.controller';
import { DayOfController } from './day-of.controller';
import { PatientSearchController, ScreeningQueueController } from './staff-reads.controller';
import { ReportsController } from './reports.controller';

/** HTTP surface of patients, screening, the day of treatment, outcomes and tasks. */
@Module({
  imports: [ClinicalModule],
  controllers: [
    PatientsController,
    PatientSearchController,
    ScreeningsController,
    ScreeningQueueController,
    TasksController,
    DayOfController,
    ReportsController,
  ],
})
export class ClinicalHttpModule {}
