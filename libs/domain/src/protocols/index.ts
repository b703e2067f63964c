export * from './protocol.types';
export * from './protocol-rules';
export * from './default-protocols';
export * from './series-validator';
export * from './series-move';
export * from './rest-day';
