import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@chairtime/domain';
import { AuditEntry, AuditOutcome } from './entities';

/** Filters of `GET /v1/audit`; all optional and combined with AND. */
export interface AuditFilter {
  actorId?: string;
  clinicId?: string;
  patientId?: string;
  action?: string;
  from?: Date;
  to?: Date;
}

/** One audit row as the API shows it (instants in UTC ISO). */
export interface AuditView {
  id: string;
  at: string;
  actorId: string | null;
  actorRole: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  clinicId: string | null;
  patientId: string | null;
  requestId: string | null;
  outcome: AuditOutcome;
  detail: string | null;
}

export interface AuditPage {
  items: AuditView[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/**
 * Reads the audit log newest first with keyset paging on the id (a bigserial: insertion order),
 * so a page costs the same at row 10 and at row 10 million, and rows added while paging do not
 * shift later pages.
 */
@Injectable()
export class AuditQueryService {
  constructor(private readonly dataSource: DataSource) {}

  async list(filter: AuditFilter, limit: number, cursor?: string): Promise<AuditPage> {
    const q = this.dataSource.getRepository(AuditEntry).createQueryBuilder('a');
    if (filter.actorId) q.andWhere('a.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.clinicId) q.andWhere('a.clinic_id = :clinicId', { clinicId: filter.clinicId });
    if (filter.patientId) q.andWhere('a.patient_id = :patientId', { patientId: filter.patientId });
    if (filter.action) q.andWhere('a.action = :action', { action: filter.action });
    if (filter.from) q.andWhere('a.at >= :from', { from: filter.from });
    if (filter.to) q.andWhere('a.at < :to', { to: filter.to });
    if (cursor !== undefined) q.andWhere('a.id < :after', { after: decodeCursor(cursor) });
    const rows = await q
      .orderBy('a.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }
}

function encodeCursor(id: string): string {
  return Buffer.from(`a:${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const m = /^a:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new DomainError('validation', 'cursor is not valid', { errors: [{ path: 'cursor', message: 'is not valid' }] });
  return m[1];
}

function toView(a: AuditEntry): AuditView {
  return {
    id: a.id,
    at: a.at.toISOString(),
    actorId: a.actorId,
    actorRole: a.actorRole,
    action: a.action,
    resourceType: a.resourceType,
    resourceId: a.resourceId,
    clinicId: a.clinicId,
    patientId: a.patientId,
    requestId: a.requestId,
    outcome: a.outcome,
    detail: a.detail,
  };
}
