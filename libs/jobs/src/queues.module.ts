import { DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { QueueName } from './queues';
import { redisOptionsFromUrl } from './redis';
import { QueueErrorLogger } from './queue-errors';

/**
 * The one BullMQ connection configuration. The prefix is a `{hash-tag}` so every key of a queue
 * lands in one Redis Cluster slot. `role: 'producer'` (the API) fails fast while Redis is down —
 * the outbox keeps the work; `role: 'worker'` waits for Redis to come back.
 */
@Module({})
export class QueuesModule {
  static forRoot(role: 'producer' | 'worker'): DynamicModule {
    return {
      module: QueuesModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            prefix: config.queuePrefix,
            connection: redisOptionsFromUrl(
              config.redisUrl,
              role === 'producer'
                ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 }
                : { maxRetriesPerRequest: null },
            ),
          }),
        }),
        ...Object.values(QueueName).map((name) => BullModule.registerQueue({ name })),
      ],
      providers: [QueueErrorLogger],
      exports: [BullModule],
    };
  }
}
