import { Module } from '@nestjs/common';
import { Metrics } from '@chairtime/observability';
import { MetricsController } from './metrics.controller';
import { QueueDepthCollector } from './queue-depth.collector';
import { HttpMetricsMiddleware } from './http-metrics.middleware';

@Module({
  controllers: [MetricsController],
  providers: [{ provide: Metrics, useFactory: () => new Metrics('api') }, QueueDepthCollector, HttpMetricsMiddleware],
  exports: [Metrics, HttpMetricsMiddleware],
})
export class MetricsModule {}
