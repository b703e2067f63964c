import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@chairtime/identity';
import { Metrics } from '@chairtime/observability';
import { QueueDepthCollector } from './queue-depth.collector';

/** Prometheus text. Public on purpose (scrapers carry no token); labels hold no personal data. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(Metrics) private readonly metrics: Metrics,
    private readonly queues: QueueDepthCollector,
  ) {}

  @Get()
  @Public()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async scrape(): Promise<string> {
    await this.queues.collect();
    return this.metrics.registry.metrics();
  }
}
