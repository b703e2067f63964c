import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { addDays, closureSpanError, DomainError, Interval } from '@chairtime/domain';
import { inTransaction } from '@chairtime/persistence';
import { Principal } from '@chairtime/identity';
import { AuditService } from '@chairtime/audit';
import { Clinic, Closure } from '../entities';
import { decodeCursor, Page, toPage } from '../paging';
import { loadScopedClinic, localMidnight } from './clinic-admin.service';
import { CapacityReconciler } from './capacity-reconciler.service';
import { WithDisplaced } from './shift-admin.service';
import { recordSetupChange, SetupActor } from './setup-audit';

export interface ClosureView {
  id: string;
  clinicId: string;
  startDate: string;
  endDate: string;
  reason: string;
}

export interface ClosureInput {
  startDate: string;
  endDate: string;
  reason: string;
}

const toClosureView = (c: Closure): ClosureView => ({
  id: c.id,
  clinicId: c.clinicId,
  startDate: c.startDate,
  endDate: c.endDate,
  reason: c.reason,
});

/** The local dates `dates` (inclusive) that `before` did not already close, as instant spans. */
function newlyClosed(clinic: Clinic, dates: { startDate: string; endDate: string }, before?: Closure): Interval[] {
  const span = (from: string, to: string): Interval => ({
    start: localMidnight(from, clinic.timezone, 'startDate'),
    end: localMidnight(addDays(to, 1), clinic.timezone, 'endDate'),
  });
  if (!before || dates.endDate < before.startDate || before.endDate < dates.startDate) return [span(dates.startDate, dates.endDate)];
  const spans: Interval[] = [];
  if (dates.startDate < before.startDate) spans.push(span(dates.startDate, addDays(before.startDate, -1)));
  if (dates.endDate > before.endDate) spans.push(span(addDays(before.endDate, 1), dates.endDate));
  return spans;
}

/**
 * Closures of a clinic: add, read, list, edit, delete. Role checks are on the routes; tenant
 * scope here. A closure added or extended over booked visits goes through
 * {@link CapacityReconciler}: 409 naming them, or with `force` they are marked for rebooking.
 * Shortening or deleting a closure only adds capacity: no check.
 */
@Injectable()
export class ClosureAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly reconciler: CapacityReconciler,
  ) {}

  async addClosure(actor: SetupActor, clinicId: string, input: ClosureInput, force = false): Promise<WithDisplaced<ClosureView>> {
    const spanError = closureSpanError(input.startDate, input.endDate);
    if (spanError) throw new DomainError('validation', spanError.message, { errors: [spanError] });
    return inTransaction(this.dataSource, async (em) => {
      const clinic = await loadScopedClinic(em, actor.principal, clinicId);
      const removed = newlyClosed(clinic, input);
      await this.reconciler.lockRemovedTime(em, clinicId, removed);
      const c = await em.getRepository(Closure).save({ clinicId, ...input });
      const displaced = await this.reconciler.reconcile(em, clinic, removed, force);
      await recordSetupChange(this.audit, em, actor, {
        action: 'closure.create',
        resourceType: 'closure',
        resourceId: c.id,
        clinicId,
        ...(displaced.length > 0 ? { detail: `displaced=${displaced.length}` } : {}),
      });
      return { ...toClosureView(c), displaced };
    });
  }

  async getClosure(principal: Principal, clinicId: string, closureId: string): Promise<ClosureView> {
    return toClosureView(await this.scopedClosure(this.dataSource.manager, principal, clinicId, closureId));
  }

  async updateClosure(
    actor: SetupActor,
    clinicId: string,
    closureId: string,
    input: Partial<ClosureInput>,
    force = false,
  ): Promise<WithDisplaced<ClosureView>> {
    return inTransaction(this.dataSource, async (em) => {
      const clinic = await loadScopedClinic(em, actor.principal, clinicId);
      const closure = await this.scopedClosure(em, actor.principal, clinicId, closureId, true);
      const next = { startDate: input.startDate ?? closure.startDate, endDate: input.endDate ?? closure.endDate };
      const spanError = closureSpanError(next.startDate, next.endDate);
      if (spanError) throw new DomainError('validation', spanError.message, { errors: [spanError] });
      const removed = newlyClosed(clinic, next, closure);
      await this.reconciler.lockRemovedTime(em, clinicId, removed);
      Object.assign(closure, next, input.reason !== undefined ? { reason: input.reason } : {});
      const saved = await em.getRepository(Closure).save(closure);
      const displaced = await this.reconciler.reconcile(em, clinic, removed, force);
      const changed = (['startDate', 'endDate', 'reason'] as const).filter((f) => input[f] !== undefined);
      await recordSetupChange(this.audit, em, actor, {
        action: 'closure.update',
        resourceType: 'closure',
        resourceId: closure.id,
        clinicId,
        detail: [changed.join(','), ...(displaced.length > 0 ? [`displaced=${displaced.length}`] : [])].join(';'),
      });
      return { ...toClosureView(saved), displaced };
    });
  }

  async deleteClosure(actor: SetupActor, clinicId: string, closureId: string): Promise<{ id: string }> {
    return inTransaction(this.dataSource, async (em) => {
      const closure = await this.scopedClosure(em, actor.principal, clinicId, closureId, true);
      await em.getRepository(Closure).delete({ id: closure.id });
      await recordSetupChange(this.audit, em, actor, {
        action: 'closure.delete',
        resourceType: 'closure',
        resourceId: closure.id,
        clinicId,
      });
      return { id: closure.id };
    });
  }

  async listClosures(principal: Principal, clinicId: string, limit: number, cursor?: string): Promise<Page<ClosureView>> {
    await loadScopedClinic(this.dataSource.manager, principal, clinicId);
    const after = decodeCursor(cursor);
    const qb = this.dataSource.getRepository(Closure).createQueryBuilder('c').where('c.clinic_id = :clinicId', { clinicId });
    if (after) qb.andWhere('(c.start_date, c.id) > (:k::date, :id)', { k: after.sortKey, id: after.id });
    const rows = await qb
      .orderBy('c.start_date')
      .addOrderBy('c.id')
      .take(limit + 1)
      .getMany();
    return toPage(rows, limit, (c) => [c.startDate, c.id], toClosureView);
  }

  private async scopedClosure(
    em: EntityManager,
    principal: Principal,
    clinicId: string,
    closureId: string,
    lock = false,
  ): Promise<Closure> {
    await loadScopedClinic(em, principal, clinicId);
    const closure = await em
      .getRepository(Closure)
      .findOne({ where: { id: closureId, clinicId }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!closure) throw new DomainError('not-found', 'Closure not found');
    return closure;
  }
}
