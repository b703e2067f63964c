import { Inject, Module, OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { createRedisClient } from '@chairtime/jobs';
import { METRICS_REDIS } from './metrics.tokens';
import { Metrics } from '@chairtime/observability';
import { metricsProvider } from '@chairtime/persistence';
import { MetricsController } from './metrics.controller';
import { QueueDepthCollector } from './queue-depth.collector';
import { HttpMetricsMiddleware } from './http-metrics.middleware';

@Module({
  controllers: [MetricsController],
  providers: [
    metricsProvider('api'),
    QueueDepthCollector,
    HttpMetricsMiddleware,
    {
      provide: METRICS_REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const client = createRedisClient(config, {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectionName: 'chairtime-api-metrics',
        });
        client.on('error', () => undefined);
        return client;
      },
    },
  ],
  exports: [Metrics, HttpMetricsMiddleware],
})
export class MetricsModule implements OnModuleDestroy {
  constructor(@Inject(METRICS_REDIS) private readonly redis: Redis) {}

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}
