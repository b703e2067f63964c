export * from './clinical-codes';
export * from './scoring';
export * from './screening';
export * from './outcome';
export * from './side-effects';
