import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { CLOCK, Clock } from '@chairtime/domain';
import { createRedisClient } from '@chairtime/jobs';
import { Metrics, metricsKey, publishMetrics } from '@chairtime/observability';

const EVERY_MS = 10_000;

/** Publishes this worker's metrics for the API's /metrics to merge (the worker has no HTTP server). */
@Injectable()
export class MetricsPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsPublisher.name);
  private readonly id = `${hostname()}-${process.pid}`;
  private timer: NodeJS.Timeout | null = null;
  private readonly redis;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Metrics) private readonly metrics: Metrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.redis = createRedisClient(config, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
      connectionName: 'chairtime-worker-metrics',
    });
    this.redis.on('error', () => undefined); // outages are reported by readiness and the queues
  }

  onApplicationBootstrap(): void {
    void this.redis.connect().catch(() => undefined);
    this.timer = setInterval(() => void this.publish(), EVERY_MS);
    this.timer.unref();
  }

  async publish(): Promise<void> {
    try {
      await publishMetrics(this.redis, metricsKey(this.config.queuePrefix), this.id, this.metrics.registry, this.clock.now());
    } catch (e) {
      this.logger.debug({ err: (e as Error).message }, 'metrics not published');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.redis.disconnect();
  }
}
