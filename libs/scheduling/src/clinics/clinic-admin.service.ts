import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, isValidZone } from '@chairtime/domain';
import { inTransaction } from '@chairtime/persistence';
import { assertClinicScope, Principal } from '@chairtime/identity';
import {
  Chair,
  ChairBlock,
  Closure,
  Clinic,
  ClinicSettings,
  DEFAULT_CLINIC_SETTINGS,
  OpeningHours,
  StaffShift,
  VisitKind,
} from '../entities';
import { decodeCursor, Page, toPage } from '../paging';
import { FieldError, mergeClinicSettings } from './clinic-settings';

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
export interface ChairView {
  id: string;
  clinicId: string;
  name: string;
  capabilities: string[];
  active: boolean;
}
export interface ShiftView {
  id: string;
  clinicId: string;
  role: 'nurse' | 'clinician';
  startsAt: string;
  endsAt: string;
  name: string | null;
}

const MAX_SHIFT_MS = 24 * 3600_000;
const minuteOf = (t: string): number => (t === '24:00' ? 1440 : Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)));
const invalid = (errors: FieldError[]): never => {
  throw new DomainError('validation', errors[0].message, { errors });
};

export const toClinicView = (c: Clinic): ClinicView => ({ id: c.id, name: c.name, timezone: c.timezone, settings: c.settings });
const toChairView = (c: Chair): ChairView => ({
  id: c.id,
  clinicId: c.clinicId,
  name: c.name,
  capabilities: c.capabilities,
  active: c.active,
});
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
 * Clinic set-up: the clinic and its settings, weekly hours, closures, chairs, chair blocks and
 * staff shifts. Role checks are on the routes; tenant scope is enforced here (404 outside).
 */
@Injectable()
export class ClinicAdminService {
  constructor(private readonly dataSource: DataSource) {}

  async create(input: { name: string; timezone: string; settings?: Record<string, unknown> }): Promise<ClinicView> {
    const errors: FieldError[] = [];
    if (!isValidZone(input.timezone)) errors.push({ path: 'timezone', message: 'timezone must be an IANA time zone name' });
    const merged = mergeClinicSettings(DEFAULT_CLINIC_SETTINGS, input.settings);
    errors.push(...merged.errors);
    if (errors.length > 0) invalid(errors);
    const clinic = await this.dataSource
      .getRepository(Clinic)
      .save({ name: input.name.trim(), timezone: input.timezone, settings: merged.settings });
    return toClinicView(clinic);
  }

  async get(principal: Principal, clinicId: string): Promise<ClinicView> {
    return toClinicView(await loadScopedClinic(this.dataSource.manager, principal, clinicId));
  }

  async update(principal: Principal, clinicId: string, input: { name?: string; timezone?: string; settings?: Record<string, unknown> }) {
    return inTransaction(this.dataSource, async (em) => {
      const clinic = await loadScopedClinic(em, principal, clinicId);
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
      return toClinicView(await em.getRepository(Clinic).save(clinic));
    });
  }

  /** Replaces the whole weekly schedule; intervals of one weekday must not overlap. */
  async replaceHours(principal: Principal, clinicId: string, weekly: WeeklyInterval[]): Promise<{ weekly: WeeklyInterval[] }> {
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
      await loadScopedClinic(em, principal, clinicId);
      await em.getRepository(OpeningHours).delete({ clinicId });
      if (weekly.length > 0) await em.getRepository(OpeningHours).insert(weekly.map((w) => ({ clinicId, ...w })));
      return { weekly: this.sortHours(weekly) };
    });
  }

  async getHours(principal: Principal, clinicId: string): Promise<{ weekly: WeeklyInterval[] }> {
    await loadScopedClinic(this.dataSource.manager, principal, clinicId);
    const rows = await this.dataSource.getRepository(OpeningHours).find({ where: { clinicId } });
    return { weekly: this.sortHours(rows.map((r) => ({ weekday: r.weekday, opens: r.opens, closes: r.closes }))) };
  }

  async addClosure(principal: Principal, clinicId: string, input: { startDate: string; endDate: string; reason: string }) {
    if (input.endDate < input.startDate) invalid([{ path: 'endDate', message: 'endDate must not be before startDate' }]);
    await loadScopedClinic(this.dataSource.manager, principal, clinicId);
    const c = await this.dataSource.getRepository(Closure).save({ clinicId, ...input });
    return { id: c.id, clinicId, startDate: c.startDate, endDate: c.endDate, reason: c.reason };
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

  /** Capabilities must be visit kinds that take a chair. */
  async addChair(principal: Principal, clinicId: string, input: { name: string; capabilities: string[] }): Promise<ChairView> {
    await loadScopedClinic(this.dataSource.manager, principal, clinicId);
    const kinds = await this.dataSource.getRepository(VisitKind).find({ where: { needsChair: true } });
    const known = new Set(kinds.map((k) => k.capability ?? k.key));
    const errors = input.capabilities.flatMap((c, i) =>
      known.has(c) ? [] : [{ path: `capabilities[${i}]`, message: `'${c.slice(0, 40)}' is not a chair visit kind` }],
    );
    if (errors.length > 0) invalid(errors);
    const exists = await this.dataSource.getRepository(Chair).exists({ where: { clinicId, name: input.name.trim() } });
    if (exists)
      throw new DomainError('conflict', 'A chair with this name exists in the clinic', {
        errors: [{ path: 'name', message: 'name is taken' }],
      });
    const chair = await this.dataSource
      .getRepository(Chair)
      .save({ clinicId, name: input.name.trim(), capabilities: [...new Set(input.capabilities)], active: true });
    return toChairView(chair);
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

  private async scopedChair(em: EntityManager, principal: Principal, chairId: string): Promise<Chair> {
    const chair = await em.getRepository(Chair).findOne({ where: { id: chairId } });
    if (!chair) throw new DomainError('not-found', 'Chair not found');
    assertClinicScope(principal, chair.clinicId, 'Chair');
    return chair;
  }

  async addBlock(principal: Principal, chairId: string, input: { startsAt: string; endsAt: string; reason: string }) {
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    if (endsAt <= startsAt) invalid([{ path: 'endsAt', message: 'endsAt must be after startsAt' }]);
    const chair = await this.scopedChair(this.dataSource.manager, principal, chairId);
    const b = await this.dataSource
      .getRepository(ChairBlock)
      .save({ clinicId: chair.clinicId, chairId, startsAt, endsAt, reason: input.reason });
    return { id: b.id, chairId, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), reason: b.reason };
  }

  async listBlocks(principal: Principal, chairId: string, limit: number, cursor?: string) {
    await this.scopedChair(this.dataSource.manager, principal, chairId);
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

  async addShift(
    principal: Principal,
    clinicId: string,
    input: { role: 'nurse' | 'clinician'; startsAt: string; endsAt: string; name?: string },
  ) {
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    if (endsAt <= startsAt) invalid([{ path: 'endsAt', message: 'endsAt must be after startsAt' }]);
    if (endsAt.getTime() - startsAt.getTime() > MAX_SHIFT_MS) invalid([{ path: 'endsAt', message: 'a shift lasts at most 24 hours' }]);
    await loadScopedClinic(this.dataSource.manager, principal, clinicId);
    const s = await this.dataSource
      .getRepository(StaffShift)
      .save({ clinicId, role: input.role, startsAt, endsAt, name: input.name ?? null });
    return toShiftView(s);
  }

  async listShifts(principal: Principal, clinicId: string, limit: number, cursor?: string): Promise<Page<ShiftView>> {
    await loadScopedClinic(this.dataSource.manager, principal, clinicId);
    const after = decodeCursor(cursor);
    const qb = this.dataSource.getRepository(StaffShift).createQueryBuilder('s').where('s.clinic_id = :clinicId', { clinicId });
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
