export * from './protocol.entity';
export * from './course.entity';
export * from './booking.entity';
export * from './idempotency-key.entity';
