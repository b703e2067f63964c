import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { CLOCK, Clock } from '@chairtime/domain';
import { JobName, OutboxEntry, QueueName, jobOptions } from '@chairtime/jobs';

const BATCH = 500;

/**
 * Moves committed outbox rows into BullMQ. Rows are claimed with `FOR UPDATE SKIP LOCKED`, so
 * several workers relay in parallel without handing out a row twice; the rows are marked relayed
 * only after Redis accepted the jobs, in the same transaction — if Redis is down the transaction
 * rolls back and the rows wait. A crash between Redis accepting and the commit re-relays the
 * rows: harmless, because job ids are deterministic (BullMQ ignores a duplicate id) and handlers
 * are idempotent.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.running) await new Promise((r) => setTimeout(r, 20));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    this.running = true;
    let relayed = 0;
    try {
      relayed = await this.relayBatch();
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'outbox relay paused (Redis or Postgres unavailable)');
    } finally {
      this.running = false;
    }
    // Drain quickly while there is a backlog; otherwise poll gently.
    this.schedule(relayed === BATCH ? 0 : relayed > 0 ? 20 : 200);
  }

  /** Relays one batch; returns how many rows it moved. Exposed for tests and the reconciler. */
  async relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const rows: OutboxEntry[] = await em
        .createQueryBuilder(OutboxEntry, 'o')
        .where('o.relayed_at IS NULL')
        .orderBy('o.id')
        .limit(BATCH)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (rows.length === 0) return 0;
      await this.push(rows);
      await em
        .createQueryBuilder()
        .update(OutboxEntry)
        // When Redis had accepted the jobs (the statement's start, not the transaction's): the
        // reconciler reads rows relayed since its last pass by this time.
        .set({ relayedAt: () => 'statement_timestamp()' })
        .whereInIds(rows.map((r) => r.id))
        .execute();
      return rows.length;
    });
  }

  /** Adds (or removes) the rows' jobs in Redis, grouped by queue. */
  async push(rows: OutboxEntry[]): Promise<void> {
    const now = this.clock.now();
    const byQueue = new Map<string, OutboxEntry[]>();
    for (const r of rows) byQueue.set(r.queue, [...(byQueue.get(r.queue) ?? []), r]);
    for (const [name, list] of byQueue) {
      const queue = this.queue(name as QueueName);
      const adds = list.filter((r) => r.op === 'add');
      if (adds.length) {
        await queue.addBulk(
          adds.map((r) => ({
            name: r.jobName,
            data: r.payload,
            opts: jobOptions(r.jobName as JobName, r.jobId, r.runAt ? r.runAt.getTime() : undefined, now),
          })),
        );
      }
      for (const r of list.filter((x) => x.op === 'remove')) {
        await queue.remove(r.jobId).catch(() => undefined); // active or gone: the handler re-reads state
      }
    }
  }

  queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }
}
