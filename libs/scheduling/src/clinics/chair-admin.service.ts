import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '@chairtime/audit';
import { ACTIVE_STATUSES, CLOCK, Clock, DomainError, Interval, parseClinicTime } from '@chairtime/domain';
import { inTransaction } from '@chairtime/persistence';
import { assertClinicScope, Principal } from '@chairtime/identity';
import { Chair, ChairBlock, Clinic, VisitKind } from '../entities';
import { decodeCursor, Page, toPage } from '../paging';
import { loadScopedClinic } from './clinic-admin.service';
import { recordSetupChange, SetupActor } from './setup-audit';
import { CapacityReconciler, NEEDS_REBOOKING_FLAG, SetupConflict } from './capacity-reconciler.service';

export interface ChairView {
  id: string;
  clinicId: string;
  name: string;
  capabilities: string[];
  active: boolean;
}

export interface BlockView {
  id: string;
  chairId: string;
  startsAt: string;
  endsAt: string;
  reason: string;
}

const toBlockView = (b: ChairBlock): BlockView => ({
  id: b.id,
  chairId: b.chairId,
  startsAt: b.startsAt.toISOString(),
  endsAt: b.endsAt.toISOString(),
  reason: b.reason,
});

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
    private readonly reconciler: CapacityReconciler,
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
   * needs — is a 409 naming each such visit; cancel or move them first, or go ahead with `force`:
   * they are then marked for rebooking, as every set-up change does ({@link CapacityReconciler}).
   * The chair row is locked first, so a booking that already inserted a visit on this chair
   * commits before the check and is seen by it; a booking that read the chair as free before the
   * lock and inserts after this commits re-reads `active` after its insert and is refused
   * (BookingService.assertChairsActive).
   */
  async updateChair(
    actor: SetupActor,
    chairId: string,
    input: { name?: string; capabilities?: string[]; active?: boolean },
    force = false,
  ): Promise<ChairView & { displaced: SetupConflict[] }> {
    return inTransaction(this.dataSource, async (em) => {
      const chair = await this.scopedChair(em, actor.principal, chairId, true);
      if (input.capabilities !== undefined) await this.checkCapabilities(em, input.capabilities);
      if (input.name !== undefined) await this.checkNameFree(em, chair.clinicId, input.name.trim(), chair.id);
      const active = input.active ?? chair.active;
      const capabilities = input.capabilities === undefined ? chair.capabilities : [...new Set(input.capabilities)];
      const conflicts = await this.futureVisitsLosingChair(em, chair.id, active, capabilities);
      await this.reconciler.settle(em, conflicts, force);
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
        detail: [changed.join(','), ...(conflicts.length > 0 ? [`displaced=${conflicts.length}`] : [])].join(';'),
      });
      return { ...toChairView(saved), displaced: conflicts };
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

  /**
   * Takes a chair out of service over [startsAt, endsAt). Visits booked on it there are a 409
   * naming them, or with `force` marked for rebooking ({@link CapacityReconciler}).
   */
  async addBlock(actor: SetupActor, chairId: string, input: { startsAt: string; endsAt: string; reason: string }, force = false) {
    return inTransaction(this.dataSource, async (em) => {
      const chair = await this.scopedChair(em, actor.principal, chairId, false);
      const clinic = await em.getRepository(Clinic).findOneOrFail({ where: { id: chair.clinicId } });
      // Bare wall times are the clinic's (API.md), so the clinic is read before the times are.
      const startsAt = parseClinicTime(input.startsAt, clinic.timezone, 'startsAt');
      const endsAt = parseClinicTime(input.endsAt, clinic.timezone, 'endsAt');
      if (endsAt <= startsAt) invalid([{ path: 'endsAt', message: 'endsAt must be after startsAt' }]);
      const removed = [{ start: startsAt.getTime(), end: endsAt.getTime() }];
      await this.reconciler.lockRemovedTime(em, clinic.id, removed);
      const b = await em.getRepository(ChairBlock).save({ clinicId: chair.clinicId, chairId, startsAt, endsAt, reason: input.reason });
      const displaced = await this.reconciler.reconcile(em, clinic, removed, force);
      await recordSetupChange(this.audit, em, actor, {
        action: 'chair-block.create',
        resourceType: 'chair-block',
        resourceId: b.id,
        clinicId: chair.clinicId,
        ...(displaced.length > 0 ? { detail: `displaced=${displaced.length}` } : {}),
      });
      return { ...toBlockView(b), displaced };
    });
  }

  async getBlock(principal: Principal, chairId: string, blockId: string): Promise<BlockView> {
    return toBlockView(await this.scopedBlock(this.dataSource.manager, principal, chairId, blockId));
  }

  /** Moves or resizes a block; time it newly covers is re-checked like a new block. */
  async updateBlock(
    actor: SetupActor,
    chairId: string,
    blockId: string,
    input: { startsAt?: string; endsAt?: string; reason?: string },
    force = false,
  ): Promise<BlockView & { displaced: SetupConflict[] }> {
    return inTransaction(this.dataSource, async (em) => {
      const block = await this.scopedBlock(em, actor.principal, chairId, blockId, true);
      const clinic = await em.getRepository(Clinic).findOneOrFail({ where: { id: block.clinicId } });
      const startsAt = input.startsAt === undefined ? block.startsAt : parseClinicTime(input.startsAt, clinic.timezone, 'startsAt');
      const endsAt = input.endsAt === undefined ? block.endsAt : parseClinicTime(input.endsAt, clinic.timezone, 'endsAt');
      if (endsAt <= startsAt) invalid([{ path: 'endsAt', message: 'endsAt must be after startsAt' }]);
      const removed: Interval[] = [
        { start: startsAt.getTime(), end: Math.min(endsAt.getTime(), block.startsAt.getTime()) },
        { start: Math.max(startsAt.getTime(), block.endsAt.getTime()), end: endsAt.getTime() },
      ].filter((i) => i.end > i.start);
      await this.reconciler.lockRemovedTime(em, clinic.id, removed);
      Object.assign(block, { startsAt, endsAt }, input.reason !== undefined ? { reason: input.reason } : {});
      const saved = await em.getRepository(ChairBlock).save(block);
      const displaced = await this.reconciler.reconcile(em, clinic, removed, force);
      const changed = (['startsAt', 'endsAt', 'reason'] as const).filter((f) => input[f] !== undefined);
      await recordSetupChange(this.audit, em, actor, {
        action: 'chair-block.update',
        resourceType: 'chair-block',
        resourceId: block.id,
        clinicId: block.clinicId,
        detail: [changed.join(','), ...(displaced.length > 0 ? [`displaced=${displaced.length}`] : [])].join(';'),
      });
      return { ...toBlockView(saved), displaced };
    });
  }

  /** Deletes a block: the chair's time comes back, nothing to re-check. */
  async deleteBlock(actor: SetupActor, chairId: string, blockId: string): Promise<{ id: string }> {
    return inTransaction(this.dataSource, async (em) => {
      const block = await this.scopedBlock(em, actor.principal, chairId, blockId, true);
      await em.getRepository(ChairBlock).delete({ id: block.id });
      await recordSetupChange(this.audit, em, actor, {
        action: 'chair-block.delete',
        resourceType: 'chair-block',
        resourceId: block.id,
        clinicId: block.clinicId,
      });
      return { id: block.id };
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
    return toPage(rows, limit, (b) => [b.startsAt.toISOString(), b.id], toBlockView);
  }

  private async scopedChair(em: EntityManager, principal: Principal, chairId: string, lock: boolean): Promise<Chair> {
    const chair = await em
      .getRepository(Chair)
      .findOne({ where: { id: chairId }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!chair) throw new DomainError('not-found', 'Chair not found');
    assertClinicScope(principal, chair.clinicId, 'Chair');
    return chair;
  }

  private async scopedBlock(em: EntityManager, principal: Principal, chairId: string, blockId: string, lock = false): Promise<ChairBlock> {
    await this.scopedChair(em, principal, chairId, false);
    const block = await em
      .getRepository(ChairBlock)
      .findOne({ where: { id: blockId, chairId }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!block) throw new DomainError('not-found', 'Chair block not found');
    return block;
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
  ): Promise<SetupConflict[]> {
    const rows = await em.query<{ id: string; starts_at: Date; kind: string; capability: string | null; flags: string[] }[]>(
      `SELECT a.id, a.starts_at, a.kind, k.capability, a.flags FROM appointment a JOIN visit_kind k ON k.key = a.kind
       WHERE a.chair_id = $1 AND a.chair_released_at > $2 AND a.status = ANY($3::text[])
         AND NOT (a.status = 'held' AND a.hold_expires_at <= $2)
       ORDER BY a.starts_at, a.id LIMIT 100`,
      [chairId, new Date(this.clock.now()), [...ACTIVE_STATUSES]],
    );
    // A visit already marked for rebooking is not named again (a forced change marked it).
    return rows.flatMap((r): SetupConflict[] => {
      if (r.flags.includes(NEEDS_REBOOKING_FLAG)) return [];
      // A kind without a capability fits any chair.
      const reason = !active
        ? 'chair-inactive'
        : r.capability === null || capabilities.includes(r.capability)
          ? null
          : 'capability-removed';
      return reason ? [{ appointmentId: r.id, startsAt: r.starts_at.toISOString(), chairId, kind: r.kind, reason }] : [];
    });
  }
}
