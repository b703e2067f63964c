export * from './clock';
export * from './local-time';
export * from './scheduling-years';
export * from './clinic-time';
