export * from './patient.entity';
export * from './screening.entity';
export * from './assessment.entity';
export * from './task.entity';
export * from './vitals-reading.entity';
export * from './side-effect.entity';
export * from './rems-monitoring-form.entity';
