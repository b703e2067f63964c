import { Inject, Module, OnModuleDestroy } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type Redis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { createRedisClient } from '@chairtime/jobs';
import { HealthController } from './health.controller';
import { HEALTH_REDIS } from './health.tokens';

@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json', logger: false })],
  controllers: [HealthController],
  providers: [
    {
      provide: HEALTH_REDIS,
      inject: [APP_CONFIG],
      // Its own connection with no offline queue: a PING while Redis is down fails at once
      // instead of waiting for a reconnect, so readiness reflects reality within seconds.
      useFactory: (config: AppConfig) =>
        createRedisClient(config, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'chairtime-health' }),
    },
  ],
})
export class HealthModule implements OnModuleDestroy {
  constructor(@Inject(HEALTH_REDIS) private readonly redis: Redis) {}

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }
}
