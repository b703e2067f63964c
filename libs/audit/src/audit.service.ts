import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEntry, AuditOutcome } from './entities';

export interface AuditRecord {
  actorId: string | null;
  actorRole: string;
  action: string;
  resourceType: string;
  resourceId?: string | null;
  clinicId?: string | null;
  patientId?: string | null;
  requestId?: string | null;
  outcome: AuditOutcome;
  detail?: string | null;
}

/**
 * Writes audit rows. Writes of patient data pass their transaction's EntityManager so the audit
 * row commits (or rolls back) with the change itself; reads and denials use their own insert.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(private readonly dataSource: DataSource) {}

  async record(entry: AuditRecord, em?: EntityManager): Promise<void> {
    const row = {
      actorId: entry.actorId,
      actorRole: entry.actorRole,
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId ?? null,
      clinicId: entry.clinicId ?? null,
      patientId: entry.patientId ?? null,
      requestId: entry.requestId ?? null,
      outcome: entry.outcome,
      detail: entry.detail ?? null,
    };
    if (em) {
      await em.insert(AuditEntry, row);
      return;
    }
    try {
      await this.dataSource.getRepository(AuditEntry).insert(row);
    } catch (e) {
      // An audit failure outside a write transaction must not hide the original outcome.
      this.logger.error({ action: entry.action, err: (e as Error).message }, 'audit write failed');
    }
  }
}
