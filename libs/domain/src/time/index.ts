export * from './clock';
export * from './local-time';
