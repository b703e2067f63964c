import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { CLOCK, Clock } from '@chairtime/domain';

/**
 * Retention: deletes audit rows older than `auditRetentionDays`. The table's trigger refuses every
 * UPDATE and DELETE unless the transaction has set `chairtime.audit_purge`, which only this does —
 * `SET LOCAL` so the permission dies with the transaction and cannot leak to a pooled connection.
 */
@Injectable()
export class AuditPurgeService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Returns how many rows it deleted. */
  async purge(): Promise<number> {
    const cutoff = new Date(this.clock.now() - this.config.auditRetentionDays * 86_400_000);
    return this.dataSource.transaction(async (em) => {
      await em.query("SET LOCAL chairtime.audit_purge = 'on'");
      // TypeORM answers a DELETE with [rows, affectedCount].
      const [, deleted]: [unknown[], number] = await em.query('DELETE FROM audit_entry WHERE at < $1', [cutoff]);
      return deleted;
    });
  }
}
