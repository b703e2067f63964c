export const METRICS_REDIS = Symbol('METRICS_REDIS');
