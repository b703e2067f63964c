export * from './outcome-report';
