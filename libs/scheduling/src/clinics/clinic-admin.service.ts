import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  addDays,
  closureSpanError,
  DomainError,
  isSchedulingDate,
  isValidZone,
  parseClinicTime,
  resolveLocalTime,
  schedulingYearsMessage,
  shiftSpanError,
} from '@chairtime/domain';
import { inTransaction } from '@chairtime/persistence';
import { assertClinicScope, Principal } from '@chairtime/identity';
import { AuditService } from '@chairtime/audit';
import { Closure, Clinic, ClinicSettings, DEFAULT_CLINIC_SETTINGS, OpeningHours, StaffShift } from '../entities';
import { decodeCursor, Page, toPage } from '../paging';
import { FieldError, mergeClinicSettings } from './clinic-settings';
import { recordSetupChange, SetupActor } from './setup-audit';

export interface ClinicView {
  id: string;
  name: string;
  timezone: string;
  settings: ClinicSettings;
}
export interface WeeklyInterval {
  weekday: number;
  opens: string;
  closes: string;
}
export interface ShiftView {
  id: string;
  clinicId: string;
  role: 'nurse' | 'clinician';
  startsAt: string;
  endsAt: string;
  name: string | null;
}

/** Filters of the shift list; dates are clinic-local `YYYY-MM-DD`. */
export interface ShiftListQuery {
  limit: number;
  cursor?: string;
  from?: string;
  to?: string;
  role?: 'nurse' | 'clinician';
}

const minuteOf = (t: string): number => (t === '24:00' ? 1440 : Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)));
const invalid = (errors: FieldError[]): never => {
  throw new DomainError('validation', errors[0].message, { errors });
};

/** The instant of local midnight starting `date`; a date that is not on the calendar is a 400 naming `path`. */
function localMidnight(date: string, zone: string, path: string): number {
  if (!isSchedulingDate(date)) return invalid([{ path, message: schedulingYearsMessage(path) }]);
  try {
    return resolveLocalTime(date, '00:00', zone).instant;
  } catch {
    return invalid([{ path, message: `${path} is not a calendar date` }]);
  }
}

export const toClinicView = (c: Clinic): ClinicView => ({ id: c.id, name: c.name, timezone: c.timezone, settings: c.settings });
const toShiftView = (s: StaffShift): ShiftView => ({
  id: s.id,
  clinicId: s.clinicId,
  role: s.role,
  startsAt: s.startsAt.toISOString(),
  endsAt: s.endsAt.toISOString(),
  name: s.name,
});

/** Loads a clinic inside the caller's scope; 404 for a missing or another tenant's clinic. */
export async function loadScopedClinic(em: EntityManager, principal: Principal, clinicId: string): Promise<Clinic> {
  assertClinicScope(principal, clinicId);
  const clinic = await em.getRepository(Clinic).findOne({ where: { id: clinicId } });
  if (!clinic) throw new DomainError('not-found', 'Clinic not found');
  return clinic;
}

/**
 * Clinic set-up: the clinic and its settings, weekly hours, closures and staff shifts (chairs and
 * blocks: {@link ChairAdminService}). Role checks are on the routes; tenant scope is enforced here
 * (404 outside). Every change writes its audit row in its own transaction.
 */
@Injectable()
export class ClinicAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(actor: SetupActor, input: { name: string; timezone: string; settings?: Record<string, unknown> }): Promise<ClinicView> {
    const errors: FieldError[] = [];
    if (!isValidZone(input.timezone)) errors.push({ path: 'timezone', message: 'timezone must be an IANA time zone name' });
    const merged = mergeClinicSettings(DEFAULT_CLINIC_SETTINGS, input.settings);
    errors.push(...merged.errors);
    if (errors.length > 0) invalid(errors);
    return inTransaction(this.dataSource, async (em) => {
      const clinic = await em.getRepository(Clinic).save({ name: input.name.trim(), timezone: input.timezone, settings: merged.settings });
      await recordSetupChange(this.audit, em, actor, {
        action: 'clinic.create',
        resourceType: 'clinic',
        resourceId: clinic.id,
        clinicId: clinic.id,
      });
      return toClinicView(clinic);
    });
  }

  async get(principal: Principal, clinicId: string): Promise<ClinicView> {
    return toClinicView(await loadScopedClinic(this.dataSource.manager, principal, clinicId));
  }

  async update(actor: SetupActor, clinicId: string, input: { name?: string; timezone?: string; settings?: Record<string, unknown> }) {
    return inTransaction(this.dataSource, async (em) => {
      const clinic = await loadScopedClinic(em, actor.principal, clinicId);
      const errors: FieldError[] = [];
      if (input.timezone !== undefined && !isValidZone(input.timezone)) {
        errors.push({ path: 'timezone', message: 'timezone must be an IANA time zone name' });
      }
      const merged = mergeClinicSettings(clinic.settings, input.settings);
      errors.push(...merged.errors);
      if (errors.length > 0) invalid(errors);
      if (input.name !== undefined) clinic.name = input.name.trim();
      if (input.timezone !== undefined) clinic.timezone = input.timezone;
      clinic.settings = merged.settings;
      const saved = await em.getRepository(Clinic).save(clinic);
      const changed = [
        ...(['name', 'timezone'] as const).filter((f) => input[f] !== undefined),
        ...Object.keys(input.settings ?? {}).map((k) => `settings.${k}`),
      ];
      await recordSetupChange(this.audit, em, actor, {
        action: 'clinic.update',
        resourceType: 'clinic',
        resourceId: clinicId,
        clinicId,
        detail: changed.join(','),
      });
      return toClinicView(saved);
    });
  }

  /** Replaces the whole weekly schedule; intervals of one weekday must not overlap. */
  async replaceHours(actor: SetupActor, clinicId: string, weekly: WeeklyInterval[]): Promise<{ weekly: WeeklyInterval[] }> {
    const errors: FieldError[] = [];
    weekly.forEach((w, i) => {
      if (!Number.isInteger(w.weekday) || w.weekday < 1 || w.weekday > 7)
        errors.push({ path: `weekly[${i}].weekday`, message: 'weekday must be 1–7' });
      if (minuteOf(w.closes) <= minuteOf(w.opens)) errors.push({ path: `weekly[${i}].closes`, message: 'closes must be after opens' });
    });
    weekly.forEach((a, i) =>
      weekly.forEach((b, j) => {
        if (j <= i || a.weekday !== b.weekday) return;
        if (minuteOf(a.opens) < minuteOf(b.closes) && minuteOf(b.opens) < minuteOf(a.closes)) {
          errors.push({ path: `weekly[${j}]`, message: `overlaps weekly[${i}] on weekday ${a.weekday}` });
        }
      }),
    );
    if (errors.length > 0) invalid(errors);
    return inTransaction(this.dataSource, async (em) => {
      await loadScopedClinic(em, actor.principal, clinicId);
      await em.getRepository(OpeningHours).delete({ clinicId });
      if (weekly.length > 0) await em.getRepository(OpeningHours).insert(weekly.map((w) => ({ clinicId, ...w })));
      await recordSetupChange(this.audit, em, actor, {
        action: 'clinic.hours.replace',
        resourceType: 'opening-hours',
        resourceId: clinicId,
        clinicId,
        detail: `${weekly.length} intervals`,
      });
      return { weekly: this.sortHours(weekly) };
    });
  }

  async getHours(principal: Principal, clinicId: string): Promise<{ weekly: WeeklyInterval[] }> {
    await loadScopedClinic(this.dataSource.manager, principal, clinicId);
    const rows = await this.dataSource.getRepository(OpeningHours).find({ where: { clinicId } });
    return { weekly: this.sortHours(rows.map((r) => ({ weekday: r.weekday, opens: r.opens, closes: r.closes }))) };
  }

  async addClosure(actor: SetupActor, clinicId: string, input: { startDate: string; endDate: string; reason: string }) {
    const spanError = closureSpanError(input.startDate, input.endDate);
    if (spanError) invalid([spanError]);
    return inTransaction(this.dataSource, async (em) => {
      await loadScopedClinic(em, actor.principal, clinicId);
      const c = await em.getRepository(Closure).save({ clinicId, ...input });
      await recordSetupChange(this.audit, em, actor, { action: 'closure.create', resourceType: 'closure', resourceId: c.id, clinicId });
      return { id: c.id, clinicId, startDate: c.startDate, endDate: c.endDate, reason: c.reason };
    });
  }

  async listClosures(principal: Principal, clinicId: string, limit: number, cursor?: string) {
    await loadScopedClinic(this.dataSource.manager, principal, clinicId);
    const after = decodeCursor(cursor);
    const qb = this.dataSource.getRepository(Closure).createQueryBuilder('c').where('c.clinic_id = :clinicId', { clinicId });
    if (after) qb.andWhere('(c.start_date, c.id) > (:k::date, :id)', { k: after.sortKey, id: after.id });
    const rows = await qb
      .orderBy('c.start_date')
      .addOrderBy('c.id')
      .take(limit + 1)
      .getMany();
    return toPage(
      rows,
      limit,
      (c) => [c.startDate, c.id],
      (c) => ({ id: c.id, clinicId, startDate: c.startDate, endDate: c.endDate, reason: c.reason }),
    );
  }

  async addShift(
    actor: SetupActor,
    clinicId: string,
    input: { role: 'nurse' | 'clinician'; startsAt: string; endsAt: string; name?: string },
  ) {
    return inTransaction(this.dataSource, async (em) => {
      const clinic = await loadScopedClinic(em, actor.principal, clinicId);
      // Bare wall times are the clinic's (API.md): a night shift entered as 19:00–07:00 local.
      const startsAt = parseClinicTime(input.startsAt, clinic.timezone, 'startsAt');
      const endsAt = parseClinicTime(input.endsAt, clinic.timezone, 'endsAt');
      const spanError = shiftSpanError(startsAt.getTime(), endsAt.getTime());
      if (spanError) invalid([spanError]);
      const s = await em.getRepository(StaffShift).save({ clinicId, role: input.role, startsAt, endsAt, name: input.name ?? null });
      await recordSetupChange(this.audit, em, actor, { action: 'shift.create', resourceType: 'staff-shift', resourceId: s.id, clinicId });
      return toShiftView(s);
    });
  }

  /**
   * Shifts by start time; with `from` / `to` (clinic-local dates, inclusive) only those
   * overlapping that span — an overnight shift shows on both dates; with `role` only that role.
   */
  async listShifts(principal: Principal, clinicId: string, q: ShiftListQuery): Promise<Page<ShiftView>> {
    const clinic = await loadScopedClinic(this.dataSource.manager, principal, clinicId);
    if (q.from !== undefined && q.to !== undefined && q.to < q.from) invalid([{ path: 'to', message: 'to must not be before from' }]);
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

  private sortHours(weekly: WeeklyInterval[]): WeeklyInterval[] {
    return [...weekly].sort((a, b) => a.weekday - b.weekday || minuteOf(a.opens) - minuteOf(b.opens));
  }
}
