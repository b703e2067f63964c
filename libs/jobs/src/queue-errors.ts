import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QueueName } from './queues';

/**
 * A queue without an 'error' listener prints every reconnect failure to stderr. This logs them
 * once per outage instead (readiness and the outbox already handle the outage itself).
 */
@Injectable()
export class QueueErrorLogger implements OnModuleInit {
  private readonly logger = new Logger('Queues');
  private readonly down = new Set<string>();

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    for (const name of Object.values(QueueName)) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      queue.on('error', (err: Error) => {
        if (this.down.has(name)) return;
        this.down.add(name);
        this.logger.warn({ queue: name, err: err.message }, 'queue connection lost');
      });
    }
  }
}
