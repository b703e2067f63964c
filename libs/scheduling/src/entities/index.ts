export * from './clinic.entity';
export * from './opening-hours.entity';
export * from './closure.entity';
export * from './chair.entity';
export * from './chair-block.entity';
export * from './staff-shift.entity';
export * from './visit-kind.entity';
export * from './appointment.entity';
