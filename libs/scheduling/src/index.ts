export * from './entities';
export * from './booking/appointment-events';
export * from './booking/booking.types';
