import { Module } from '@nestjs/common';
import { SchedulingModule } from '@chairtime/scheduling';
import { PatientService } from './patients/patient.service';
import { ScreeningService } from './screening/screening.service';
import { ScreeningGateModule } from './screening/screening-gate.module';
import { AssessmentService } from './assessments/assessment.service';
import { TaskService } from './tasks/task.service';
import { RebookingTaskListener } from './tasks/rebooking-task.listener';
import { DayOfService } from './day-of/day-of.service';
import { VitalsService } from './day-of/vitals.service';
import { PatientSearchService } from './patients/patient-search.service';
import { ScreeningQueueService } from './screening/screening-queue.service';
import { PatientChartService } from './chart/patient-chart.service';
import { OutcomeReportService } from './reports/outcome-report.service';

/**
 * Patients, screening, the day of treatment, outcomes and safety tasks. The screening gate is
 * provided globally under `SCREENING_GATE` (see ScreeningGateModule) for the courses library; `PATIENT_NOTIFIER` (messaging)
 * is optional; day-of changes are announced on the scheduling module's single `AppointmentEvents`.
 */
@Module({
  imports: [SchedulingModule, ScreeningGateModule],
  providers: [
    PatientService,
    PatientSearchService,
    PatientChartService,
    OutcomeReportService,
    ScreeningService,
    ScreeningQueueService,
    AssessmentService,
    TaskService,
    DayOfService,
    VitalsService,
    RebookingTaskListener,
  ],
  exports: [
    PatientService,
    PatientSearchService,
    PatientChartService,
    OutcomeReportService,
    ScreeningService,
    ScreeningQueueService,
    AssessmentService,
    TaskService,
    DayOfService,
    VitalsService,
  ],
})
export class ClinicalModule {}
