import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@chairtime/audit';
import { ACTIVE_STATUSES, CLOCK, Clock, DomainError, parseClinicTime } from '@chairtime/domain';
import { inTransaction } from '@chairtime/persistence';
import { assertClinicScope, Principal } from '@chairtime/identity';
import { Chair, ChairBlock, Clinic, VisitKind } from '../entities';
import { decodeCursor, Page, toPage } from '../paging';
import { loadScopedClinic } from './clinic-admin.service';
import { recordSetupChange, SetupActor } from './setup-audit';

export interface ChairView {
  id: string;
  clinicId: string;
  name: string;
  capabilities: string[];
  active: boolean;
}

/** A future visit that keeps a chair change from being made. */
export interface ChairConflict {
  appointmentId: string;
  startsAt: string;
  kind: string;
  reason: 'chair-inactive' | 'capability-removed';
}

const toChairView = (c: Chair): ChairView => ({
  id: c.id,
  clinicId: c.clinicId,
  name: c.name,
  capabilities: c.capabilities,
  active: c.active,
});
const invalid = (errors: { path: string; message: string }[]): never => {
  throw new DomainError('validation', errors[0].message, { errors });
};

/**
 * Chairs and chair blocks of a clinic. Role checks are on the routes; tenant scope is enforced
 * here (another clinic's chair is 404). Every change writes its audit row in its transaction.
 */
@Injectable()
export class ChairAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Capabilities must be visit kinds that take a chair; names are unique within the clinic. */
  async addChair(actor: SetupActor, clinicId: string, input: { name: string; capabilities: string[] }): Promise<ChairView> {
    return inTransaction(this.dataSource, async (em) => {
      await loadScopedClinic(em, actor.principal, clinicId);
      await this.checkCapabilities(em, input.capabilities);
      await this.checkNameFree(em, clinicId, input.name.trim(), null);
      const chair = await em
        .getRepository(Chair)
        .save({ clinicId, name: input.name.trim(), capabilities: [...new Set(input.capabilities)], active: true });
      await recordSetupChange(this.audit, em, actor, { action: 'chair.create', resourceType: 'chair', resourceId: chair.id, clinicId });
      return toChairView(chair);
    });
  }

  /**
   * Renames a chair, changes its capabilities or (de)activates it. A change that would leave a
   * future visit without its chair — deactivating, or dropping the capability a booked kind
   * needs — is a 409 naming each such visit; cancel or move them first. The chair row is locked
   * first, so a booking that already inserted a visit on this chair commits before the check and
   * is seen by it; a booking that read the chair as free before the lock and inserts after this
   * commits re-reads `active` after its insert and is refused (BookingService.assertChairsActive).
   */
  async updateChair(actor: SetupActor, chairId: string, input: { name?: string; capabilities?: string[]; active?: boolean }) {
    return inTransaction(this.dataSource, async (em) => {
      const chair = await this.scopedChair(em, actor.principal, chairId, true);
      if (input.capabilities !== undefined) await this.checkCapabilities(em, input.capabilities);
      if (input.name !== undefined) await this.checkNameFree(em, chair.clinicId, input.name.trim(), chair.id);
      const active = input.active ?? chair.active;
      const capabilities = input.capabilities === undefined ? chair.capabilities : [...new Set(input.capabilities)];
      const conflicts = await this.futureVisitsLosingChair(em, chair.id, active, capabilities);
      if (conflicts.length > 0) {
        throw new DomainError('conflict', `${conflicts.length} future visit(s) need this chair; cancel or move them first`, { conflicts });
      }
      const changed = (['name', 'capabilities', 'active'] as const).filter((f) => input[f] !== undefined);
      if (input.name !== undefined) chair.name = input.name.trim();
      chair.capabilities = capabilities;
      chair.active = active;
      const saved = await em.getRepository(Chair).save(chair);
      await recordSetupChange(this.audit, em, actor, {
        action: 'chair.update',
        resourceType: 'chair',
        resourceId: chair.id,
        clinicId: chair.clinicId,
        detail: changed.join(','),
      });
      return toChairView(saved);
    });
  }

  async listChairs(principal: Principal, clinicId: string, limit: number, cursor?: string): Promise<Page<ChairView>> {
    await loadScopedClinic(this.dataSource.manager, principal, clinicId);
    const after = decodeCursor(cursor);
    const qb = this.dataSource.getRepository(Chair).createQueryBuilder('c').where('c.clinic_id = :clinicId', { clinicId });
    if (after) qb.andWhere('(c.name, c.id) > (:k, :id)', { k: after.sortKey, id: after.id });
    const rows = await qb
      .orderBy('c.name')
      .addOrderBy('c.id')
      .take(limit + 1)
      .getMany();
    return toPage(rows, limit, (c) => [c.name, c.id], toChairView);
  }

  async addBlock(actor: SetupActor, chairId: string, input: { startsAt: string; endsAt: string; reason: string }) {
    return inTransaction(this.dataSource, async (em) => {
      const chair = await this.scopedChair(em, actor.principal, chairId, false);
      // Bare wall times are the clinic's (API.md), so the clinic is read before the times are.
      const { timezone } = await em
        .getRepository(Clinic)
        .findOneOrFail({ where: { id: chair.clinicId }, select: { id: true, timezone: true } });
      const startsAt = parseClinicTime(input.startsAt, timezone, 'startsAt');
      const endsAt = parseClinicTime(input.endsAt, timezone, 'endsAt');
      if (endsAt <= startsAt) invalid([{ path: 'endsAt', message: 'endsAt must be after startsAt' }]);
      const b = await em.getRepository(ChairBlock).save({ clinicId: chair.clinicId, chairId, startsAt, endsAt, reason: input.reason });
      await recordSetupChange(this.audit, em, actor, {
        action: 'chair-block.create',
        resourceType: 'chair-block',
        resourceId: b.id,
        clinicId: chair.clinicId,
      });
      return { id: b.id, chairId, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), reason: b.reason };
    });
  }

  async listBlocks(principal: Principal, chairId: string, limit: number, cursor?: string) {
    await this.scopedChair(this.dataSource.manager, principal, chairId, false);
    const after = decodeCursor(cursor);
    const qb = this.dataSource.getRepository(ChairBlock).createQueryBuilder('b').where('b.chair_id = :chairId', { chairId });
    if (after) qb.andWhere('(b.starts_at, b.id) > (:k::timestamptz, :id)', { k: after.sortKey, id: after.id });
    const rows = await qb
      .orderBy('b.starts_at')
      .addOrderBy('b.id')
      .take(limit + 1)
      .getMany();
    return toPage(
      rows,
      limit,
      (b) => [b.startsAt.toISOString(), b.id],
      (b) => ({ id: b.id, chairId, startsAt: b.startsAt.toISOString(), endsAt: b.endsAt.toISOString(), reason: b.reason }),
    );
  }

  private async scopedChair(em: EntityManager, principal: Principal, chairId: string, lock: boolean): Promise<Chair> {
    const chair = await em
      .getRepository(Chair)
      .findOne({ where: { id: chairId }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!chair) throw new DomainError('not-found', 'Chair not found');
    assertClinicScope(principal, chair.clinicId, 'Chair');
    return chair;
  }

  private async checkCapabilities(em: EntityManager, capabilities: string[]): Promise<void> {
    const kinds = await em.getRepository(VisitKind).find({ where: { needsChair: true } });
    const known = new Set(kinds.map((k) => k.capability ?? k.key));
    const errors = capabilities.flatMap((c, i) =>
      known.has(c) ? [] : [{ path: `capabilities[${i}]`, message: `'${c.slice(0, 40)}' is not a chair visit kind` }],
    );
    if (errors.length > 0) invalid(errors);
  }

  private async checkNameFree(em: EntityManager, clinicId: string, name: string, exceptId: string | null): Promise<void> {
    const other = await em.getRepository(Chair).findOne({ where: { clinicId, name } });
    if (other && other.id !== exceptId) {
      throw new DomainError('conflict', 'A chair with this name exists in the clinic', {
        errors: [{ path: 'name', message: 'name is taken' }],
      });
    }
  }

  /** Future visits (not ended, active, holds unexpired) that the chair could no longer host. */
  private async futureVisitsLosingChair(
    em: EntityManager,
    chairId: string,
    active: boolean,
    capabilities: string[],
  ): Promise<ChairConflict[]> {
    const rows = await em.query<{ id: string; starts_at: Date; kind: string; capability: string | null }[]>(
      `SELECT a.id, a.starts_at, a.kind, k.capability FROM appointment a JOIN visit_kind k ON k.key = a.kind
       WHERE a.chair_id = $1 AND a.chair_released_at > $2 AND a.status = ANY($3::text[])
         AND NOT (a.status = 'held' AND a.hold_expires_at <= $2)
       ORDER BY a.starts_at, a.id LIMIT 100`,
      [chairId, new Date(this.clock.now()), [...ACTIVE_STATUSES]],
    );
    return rows.flatMap((r): ChairConflict[] => {
      // A kind without a capability fits any chair.
      const reason = !active
        ? 'chair-inactive'
        : r.capability === null || capabilities.includes(r.capability)
          ? null
          : 'capability-removed';
      return reason ? [{ appointmentId: r.id, startsAt: r.starts_at.toISOString(), kind: r.kind, reason }] : [];
    });
  }
}
