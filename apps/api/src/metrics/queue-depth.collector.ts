import { Inject, Injectable } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { ModuleRef } from '@nestjs/core';
import { QueueName } from '@chairtime/jobs';
import { Metrics } from '@chairtime/observability';

const STATES = ['waiting', 'delayed', 'active', 'failed', 'completed', 'prioritized'] as const;

/** Reads BullMQ job counts at scrape time; a Redis outage leaves the last values in place. */
@Injectable()
export class QueueDepthCollector {
  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(Metrics) private readonly metrics: Metrics,
  ) {}

  async collect(): Promise<void> {
    await Promise.all(
      Object.values(QueueName).map(async (name) => {
        const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
        try {
          const counts = await queue.getJobCounts(...STATES);
          for (const state of STATES) this.metrics.queueDepth.set({ queue: name, state }, counts[state] ?? 0);
        } catch {
          // Redis down: readiness reports it; metrics keep serving.
        }
      }),
    );
  }
}
