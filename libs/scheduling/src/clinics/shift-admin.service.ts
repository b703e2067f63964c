import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { addDays, CLOCK, Clock, DomainError, Interval, parseClinicTime, shiftSpanError } from '@chairtime/domain';
import { inTransaction, PG, pgCode, pgConstraint } from '@chairtime/persistence';
import { Principal } from '@chairtime/identity';
import { AuditService } from '@chairtime/audit';
import { ShiftRole, StaffShift } from '../entities';
import { decodeCursor, Page, toPage } from '../paging';
import { loadScopedClinic, localMidnight } from './clinic-admin.service';
import { CapacityReconciler, SetupConflict } from './capacity-reconciler.service';
import { recordSetupChange, SetupActor } from './setup-audit';

export interface ShiftView {
  id: string;
  clinicId: string;
  role: ShiftRole;
  startsAt: string;
  endsAt: string;
  name: string | null;
  userId: string | null;
}

/** Filters of the shift list; dates are clinic-local `YYYY-MM-DD`. */
export interface ShiftListQuery {
  limit: number;
  cursor?: string;
  from?: string;
  to?: string;
  role?: ShiftRole;
}

/** What a shift is given; on update every field is optional (`userId: null` unnames it). */
export interface ShiftInput {
  role: ShiftRole;
  startsAt: string;
  endsAt: string;
  name?: string;
  userId?: string | null;
}

/** A change that may displace visits answers with them (empty unless it went ahead with `force`). */
export type WithDisplaced<T> = T & { displaced: SetupConflict[] };

export const toShiftView = (s: StaffShift): ShiftView => ({
  id: s.id,
  clinicId: s.clinicId,
  role: s.role,
  startsAt: s.startsAt.toISOString(),
  endsAt: s.endsAt.toISOString(),
  name: s.name,
  userId: s.userId,
});
const invalid = (path: string, message: string): never => {
  throw new DomainError('validation', message, { errors: [{ path, message }] });
};
const span = (s: StaffShift): Interval => ({ start: s.startsAt.getTime(), end: s.endsAt.getTime() });

/**
 * Staff shifts of a clinic: add, list, edit, delete. Role checks are on the routes; tenant scope
 * here (another clinic's shift is 404). A change that removes nurse or clinician time (a shift
 * shortened, moved, re-roled or deleted) goes through {@link CapacityReconciler}: the booked
 * visits of the time it leaves must still fit, or the change is a 409 naming them (with `force`,
 * they are marked for rebooking). A shift that has ended is history and cannot change; one that
 * has started can only end earlier (not before now), never be deleted — past consults name it.
 */
@Injectable()
export class ShiftAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly reconciler: CapacityReconciler,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async addShift(actor: SetupActor, clinicId: string, input: ShiftInput): Promise<ShiftView> {
    return inTransaction(this.dataSource, async (em) => {
      const clinic = await loadScopedClinic(em, actor.principal, clinicId);
      // Bare wall times are the clinic's (API.md): a night shift entered as 19:00–07:00 local.
      const startsAt = parseClinicTime(input.startsAt, clinic.timezone, 'startsAt');
      const endsAt = parseClinicTime(input.endsAt, clinic.timezone, 'endsAt');
      const spanError = shiftSpanError(startsAt.getTime(), endsAt.getTime());
      if (spanError) invalid(spanError.path, spanError.message);
      const userId = input.userId ?? null;
      if (userId !== null) await this.checkStaffUser(em, clinicId, userId, input.role);
      const s = await this.saveGuarded(em, { clinicId, role: input.role, startsAt, endsAt, name: input.name ?? null, userId });
      await recordSetupChange(this.audit, em, actor, { action: 'shift.create', resourceType: 'staff-shift', resourceId: s.id, clinicId });
      return toShiftView(s);
    });
  }

  async getShift(principal: Principal, clinicId: string, shiftId: string): Promise<ShiftView> {
    return toShiftView(await this.scopedShift(this.dataSource.manager, principal, clinicId, shiftId));
  }

  /**
   * Changes a shift's role, times, name or person. When it removes staff time the clinic-time
   * locks of the old span are taken first and the visits there re-checked after the write.
   */
  async updateShift(
    actor: SetupActor,
    clinicId: string,
    shiftId: string,
    input: Partial<ShiftInput>,
    force: boolean,
  ): Promise<WithDisplaced<ShiftView>> {
    return inTransaction(this.dataSource, async (em) => {
      const clinic = await loadScopedClinic(em, actor.principal, clinicId);
      const shift = await this.scopedShift(em, actor.principal, clinicId, shiftId, true);
      const now = this.clock.now();
      const before = span(shift);
      const startsAt = input.startsAt === undefined ? shift.startsAt : parseClinicTime(input.startsAt, clinic.timezone, 'startsAt');
      const endsAt = input.endsAt === undefined ? shift.endsAt : parseClinicTime(input.endsAt, clinic.timezone, 'endsAt');
      const spanError = shiftSpanError(startsAt.getTime(), endsAt.getTime());
      if (spanError) invalid(spanError.path, spanError.message);
      if (before.end <= now) throw new DomainError('invalid-state', 'The shift has ended; past shifts are kept as they were');
      if (before.start <= now) {
        if (startsAt.getTime() !== before.start || (input.role !== undefined && input.role !== shift.role))
          throw new DomainError('invalid-state', 'The shift has started: only its end can change');
        if (endsAt.getTime() < now) invalid('endsAt', 'endsAt of a started shift must not be before now');
      }
      const role = input.role ?? shift.role;
      const userId = input.userId === undefined ? shift.userId : input.userId;
      if (userId !== null && (userId !== shift.userId || role !== shift.role)) await this.checkStaffUser(em, clinicId, userId, role);
      // Time the shift no longer covers (or all of it, when its role changes).
      const removed: Interval[] =
        role !== shift.role
          ? [before]
          : [
              { start: before.start, end: Math.min(before.end, startsAt.getTime()) },
              { start: Math.max(before.start, endsAt.getTime()), end: before.end },
            ].filter((i) => i.end > i.start);
      await this.reconciler.lockRemovedTime(em, clinicId, removed);
      Object.assign(shift, { role, startsAt, endsAt, userId, ...(input.name !== undefined ? { name: input.name } : {}) });
      const saved = await this.saveGuarded(em, shift);
      const displaced = await this.reconciler.reconcile(em, clinic, removed, force);
      const changed = (['role', 'startsAt', 'endsAt', 'name', 'userId'] as const).filter((f) => input[f] !== undefined);
      await recordSetupChange(this.audit, em, actor, {
        action: 'shift.update',
        resourceType: 'staff-shift',
        resourceId: shift.id,
        clinicId,
        detail: [changed.join(','), ...(displaced.length > 0 ? [`displaced=${displaced.length}`] : [])].join(';'),
      });
      return { ...toShiftView(saved), displaced };
    });
  }

  /** Deletes a shift that has not started; its time is re-checked like any removal. */
  async deleteShift(
    actor: SetupActor,
    clinicId: string,
    shiftId: string,
    force: boolean,
  ): Promise<{ id: string; displaced: SetupConflict[] }> {
    return inTransaction(this.dataSource, async (em) => {
      const clinic = await loadScopedClinic(em, actor.principal, clinicId);
      const shift = await this.scopedShift(em, actor.principal, clinicId, shiftId, true);
      if (shift.startsAt.getTime() <= this.clock.now()) {
        throw new DomainError('invalid-state', 'The shift has started: shorten it instead (past visits name it)');
      }
      const removed = [span(shift)];
      await this.reconciler.lockRemovedTime(em, clinicId, removed);
      await em.getRepository(StaffShift).delete({ id: shift.id });
      const displaced = await this.reconciler.reconcile(em, clinic, removed, force);
      await recordSetupChange(this.audit, em, actor, {
        action: 'shift.delete',
        resourceType: 'staff-shift',
        resourceId: shift.id,
        clinicId,
        ...(displaced.length > 0 ? { detail: `displaced=${displaced.length}` } : {}),
      });
      return { id: shift.id, displaced };
    });
  }

  /**
   * Shifts by start time; with `from` / `to` (clinic-local dates, inclusive) only those
   * overlapping that span — an overnight shift shows on both dates; with `role` only that role.
   */
  async listShifts(principal: Principal, clinicId: string, q: ShiftListQuery): Promise<Page<ShiftView>> {
    const clinic = await loadScopedClinic(this.dataSource.manager, principal, clinicId);
    if (q.from !== undefined && q.to !== undefined && q.to < q.from) invalid('to', 'to must not be before from');
    const { limit, cursor } = q;
    const after = decodeCursor(cursor);
    const qb = this.dataSource.getRepository(StaffShift).createQueryBuilder('s').where('s.clinic_id = :clinicId', { clinicId });
    if (q.from !== undefined) qb.andWhere('s.ends_at > :fromAt', { fromAt: new Date(localMidnight(q.from, clinic.timezone, 'from')) });
    if (q.to !== undefined) qb.andWhere('s.starts_at < :toAt', { toAt: new Date(localMidnight(addDays(q.to, 1), clinic.timezone, 'to')) });
    if (q.role !== undefined) qb.andWhere('s.role = :role', { role: q.role });
    if (after) qb.andWhere('(s.starts_at, s.id) > (:k::timestamptz, :id)', { k: after.sortKey, id: after.id });
    const rows = await qb
      .orderBy('s.starts_at')
      .addOrderBy('s.id')
      .take(limit + 1)
      .getMany();
    return toPage(rows, limit, (s) => [s.startsAt.toISOString(), s.id], toShiftView);
  }

  private async scopedShift(em: EntityManager, principal: Principal, clinicId: string, shiftId: string, lock = false): Promise<StaffShift> {
    await loadScopedClinic(em, principal, clinicId);
    const shift = await em
      .getRepository(StaffShift)
      .findOne({ where: { id: shiftId, clinicId }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!shift) throw new DomainError('not-found', 'Shift not found');
    return shift;
  }

  /** The named user must work in the clinic with the shift's role (an enabled staff user). */
  private async checkStaffUser(em: EntityManager, clinicId: string, userId: string, role: ShiftRole): Promise<void> {
    const [row] = await em.query<{ role: string }[]>(
      `SELECT u.role FROM app_user u JOIN user_clinic uc ON uc.user_id = u.id AND uc.clinic_id = $2
       WHERE u.id = $1 AND NOT u.disabled`,
      [userId, clinicId],
    );
    if (!row) invalid('userId', 'userId must be a staff user of this clinic');
    if (row.role !== role) invalid('userId', `the user is a ${row.role}, not a ${role}`);
  }

  /** Saves under a savepoint so the person's-overlap constraint answers 409, not 500. */
  private async saveGuarded(em: EntityManager, shift: Partial<StaffShift>): Promise<StaffShift> {
    await em.query('SAVEPOINT shift_row');
    try {
      const saved = await em.getRepository(StaffShift).save(shift);
      await em.query('RELEASE SAVEPOINT shift_row');
      return saved;
    } catch (e) {
      await em.query('ROLLBACK TO SAVEPOINT shift_row');
      if (pgCode(e) === PG.exclusionViolation && pgConstraint(e) === 'staff_shift_user_no_overlap') {
        throw new DomainError('conflict', 'This person already has a shift overlapping these times', {
          errors: [{ path: 'userId', message: 'overlaps another shift of the same person' }],
        });
      }
      throw e;
    }
  }
}
