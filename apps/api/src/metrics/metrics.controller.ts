import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@chairtime/identity';
import { Metrics, mergedMetrics, metricsKey } from '@chairtime/observability';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { CLOCK, Clock } from '@chairtime/domain';
import type Redis from 'ioredis';
import { METRICS_REDIS } from './metrics.tokens';
import { QueueDepthCollector } from './queue-depth.collector';

/** Prometheus text. Public on purpose (scrapers carry no token); labels hold no personal data. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(Metrics) private readonly metrics: Metrics,
    private readonly queues: QueueDepthCollector,
    @Inject(METRICS_REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async scrape(): Promise<string> {
    await this.queues.collect();
    // The API's own metrics plus what every live worker published (lateness, sends, failures).
    return mergedMetrics(this.redis, metricsKey(this.config.queuePrefix), this.metrics.registry, this.clock.now());
  }
}
