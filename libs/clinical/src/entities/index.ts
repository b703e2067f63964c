export * from './patient.entity';
