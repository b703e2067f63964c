import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Cluster } from 'ioredis';
import { BullModule } from '@nestjs/bullmq';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { QueueName } from './queues';
import { createRedisClient, redisOptionsFromUrl } from './redis';
import { QueueErrorLogger } from './queue-errors';

/** Approximate length of each queue's event stream (BullMQ's default is 10,000). */
const EVENTS_MAX_LEN = 100;

/**
 * The one BullMQ connection configuration. The prefix is a `{hash-tag}` so every key of a queue
 * lands in one Redis Cluster slot. `role: 'producer'` (the API) fails fast while Redis is down —
 * the outbox keeps the work; `role: 'worker'` waits for Redis to come back.
 */
@Module({})
export class QueuesModule implements OnApplicationShutdown {
  /** Cluster clients this module created; BullMQ does not close a client it was handed. */
  private static readonly clients = new Set<Cluster>();

  async onApplicationShutdown(): Promise<void> {
    for (const c of QueuesModule.clients) c.disconnect();
    QueuesModule.clients.clear();
  }

  private static track(client: Cluster): Cluster {
    QueuesModule.clients.add(client);
    return client;
  }

  static forRoot(role: 'producer' | 'worker'): DynamicModule {
    return {
      module: QueuesModule,
      global: true,
      imports: [
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => {
            const extra =
              role === 'producer'
                ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 }
                : { maxRetriesPerRequest: null };
            return {
              prefix: config.queuePrefix,
              // On a cluster every queue shares one client (BullMQ duplicates it for blocking
              // worker connections); a single node gets plain options, one connection per queue.
              connection: config.redisClusterNodes
                ? QueuesModule.track(createRedisClient(config, extra) as Cluster)
                : redisOptionsFromUrl(config.redisUrl, extra),
            };
          },
        }),
        // Nothing reads the queues' event streams (no QueueEvents): every job state change still
        // appends to them, so keep only a short tail for inspection instead of 10,000 events.
        ...Object.values(QueueName).map((name) => BullModule.registerQueue({ name, streams: { events: { maxLen: EVENTS_MAX_LEN } } })),
      ],
      providers: [QueueErrorLogger],
      exports: [BullModule],
    };
  }
}
