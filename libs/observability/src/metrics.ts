import { Histogram, Registry, collectDefaultMetrics, Gauge, Counter } from 'prom-client';

/**
 * One Prometheus registry per process. Labels are route templates, queue names, kinds and
 * statuses — never ids or personal data (cardinality and PHI).
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: 'queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly messageLateness = new Histogram({
    name: 'message_lateness_seconds',
    help: 'Actual minus planned send time of patient messages',
    labelNames: ['channel'] as const,
    buckets: [0.1, 0.5, 1, 2, 5, 15, 60, 300, 900],
    registers: [this.registry],
  });

  readonly messagesSent = new Counter({
    name: 'messages_total',
    help: 'Messages by channel and outcome',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly jobFailures = new Counter({
    name: 'job_failures_total',
    help: 'Failed job attempts by queue and job name',
    labelNames: ['queue', 'job'] as const,
    registers: [this.registry],
  });

  /** A source crossed the failed sign-in limit across accounts (password spraying): alert on any increase. */
  readonly loginSprayingAlerts = new Counter({
    name: 'login_spraying_alerts_total',
    help: 'Sources throttled for failing sign-ins across many accounts (password spraying)',
    registers: [this.registry],
  });

  /** This process's database pool, read at every scrape or publish (the constructor's `readPool`). */
  readonly dbPool = new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool of this process: its size (max), connections open (total) and idle, requests waiting for one',
    labelNames: ['state'] as const,
    registers: [this.registry],
    collect: () => {
      const stats = this.readPool?.();
      if (!stats) return;
      for (const [state, n] of Object.entries(stats)) this.dbPool.set({ state }, n);
    },
  });

  /** `readPool` describes the process's database pool (`{ max, total, idle, waiting }`), or null before it exists. */
  constructor(
    app: string,
    private readonly readPool?: () => Record<string, number> | null,
  ) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry });
  }
}
