import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  ACTIVE_STATUSES,
  CLOCK,
  Clock,
  DomainError,
  isSchedulingDate,
  isValidZone,
  resolveLocalTime,
  schedulingYearsMessage,
} from '@chairtime/domain';
import { inTransaction } from '@chairtime/persistence';
import { assertClinicScope, Principal } from '@chairtime/identity';
import { AuditService } from '@chairtime/audit';
import { Clinic, ClinicSettings, DEFAULT_CLINIC_SETTINGS, OpeningHours } from '../entities';
import { FieldError, mergeClinicSettings } from './clinic-settings';
import { CapacityReconciler, SetupConflict } from './capacity-reconciler.service';
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
const minuteOf = (t: string): number => (t === '24:00' ? 1440 : Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5)));
const invalid = (errors: FieldError[]): never => {
  throw new DomainError('validation', errors[0].message, { errors });
};

/** The instant of local midnight starting `date`; a date that is not on the calendar is a 400 naming `path`. */
export function localMidnight(date: string, zone: string, path: string): number {
  if (!isSchedulingDate(date)) return invalid([{ path, message: schedulingYearsMessage(path) }]);
  try {
    return resolveLocalTime(date, '00:00', zone).instant;
  } catch {
    return invalid([{ path, message: `${path} is not a calendar date` }]);
  }
}

export const toClinicView = (c: Clinic): ClinicView => ({ id: c.id, name: c.name, timezone: c.timezone, settings: c.settings });

/** Loads a clinic inside the caller's scope; 404 for a missing or another tenant's clinic. */
export async function loadScopedClinic(em: EntityManager, principal: Principal, clinicId: string): Promise<Clinic> {
  assertClinicScope(principal, clinicId);
  const clinic = await em.getRepository(Clinic).findOne({ where: { id: clinicId } });
  if (!clinic) throw new DomainError('not-found', 'Clinic not found');
  return clinic;
}

/** Which minutes of each weekday (index 1–7) `weekly` opens. */
function openMinutes(weekly: WeeklyInterval[]): boolean[][] {
  const days = Array.from({ length: 8 }, () => new Array<boolean>(1440).fill(false));
  for (const w of weekly) for (let m = minuteOf(w.opens); m < minuteOf(w.closes); m++) days[w.weekday][m] = true;
  return days;
}

/** Whether `next` leaves closed some minute of a weekday that `previous` opened. */
export function hoursShortened(previous: WeeklyInterval[], next: WeeklyInterval[]): boolean {
  const was = openMinutes(previous);
  const now = openMinutes(next);
  return was.some((day, d) => day.some((open, m) => open && !now[d][m]));
}

/**
 * Clinic set-up: the clinic and its settings and weekly hours (closures:
 * {@link ClosureAdminService}, shifts: {@link ShiftAdminService}, chairs and blocks:
 * {@link ChairAdminService}). Role checks are on the routes; tenant scope is enforced here
 * (404 outside). Every change writes its audit row in its own transaction.
 */
@Injectable()
export class ClinicAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly reconciler: CapacityReconciler,
    @Inject(CLOCK) private readonly clock: Clock,
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
      if (input.timezone !== undefined && input.timezone !== clinic.timezone) await this.refuseZoneChange(em, clinic);
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

  /**
   * Replaces the whole weekly schedule; intervals of one weekday must not overlap. Hours that
   * close any minute the old ones opened may leave booked visits outside them: the clinic's
   * set-up gate is taken (no booking of the clinic runs meanwhile), the future visits re-checked
   * after the write, and those outside the new hours are a 409 — or, with `force`, marked for
   * rebooking ({@link CapacityReconciler}).
   */
  async replaceHours(
    actor: SetupActor,
    clinicId: string,
    weekly: WeeklyInterval[],
    force = false,
  ): Promise<{ weekly: WeeklyInterval[]; displaced: SetupConflict[] }> {
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
      const clinic = await loadScopedClinic(em, actor.principal, clinicId);
      const previous = await em.getRepository(OpeningHours).find({ where: { clinicId } });
      const shortened = hoursShortened(previous, weekly);
      if (shortened) await this.reconciler.lockRemovedTime(em, clinicId, 'all');
      await em.getRepository(OpeningHours).delete({ clinicId });
      if (weekly.length > 0) await em.getRepository(OpeningHours).insert(weekly.map((w) => ({ clinicId, ...w })));
      const displaced = shortened ? await this.reconciler.reconcile(em, clinic, 'all', force) : [];
      await recordSetupChange(this.audit, em, actor, {
        action: 'clinic.hours.replace',
        resourceType: 'opening-hours',
        resourceId: clinicId,
        clinicId,
        detail: `${weekly.length} intervals${displaced.length > 0 ? `;displaced=${displaced.length}` : ''}`,
      });
      return { weekly: this.sortHours(weekly), displaced };
    });
  }

  async getHours(principal: Principal, clinicId: string): Promise<{ weekly: WeeklyInterval[] }> {
    await loadScopedClinic(this.dataSource.manager, principal, clinicId);
    const rows = await this.dataSource.getRepository(OpeningHours).find({ where: { clinicId } });
    return { weekly: this.sortHours(rows.map((r) => ({ weekday: r.weekday, opens: r.opens, closes: r.closes }))) };
  }

  /**
   * A clinic's zone gives every booked visit its local date and wall time (hours, closures, the
   * grid): changing it under future visits would silently move them against the clinic's rules.
   * Refused (409, the count and the first 100) while any live visit is still ahead.
   */
  private async refuseZoneChange(em: EntityManager, clinic: Clinic): Promise<void> {
    // The gate: a booking in flight (which read the old zone) commits first and is counted here.
    await this.reconciler.lockRemovedTime(em, clinic.id, 'all');
    const rows = await em.query<{ id: string; starts_at: Date; chair_id: string | null; kind: string; total: string }[]>(
      `SELECT id, starts_at, chair_id, kind, count(*) OVER () AS total FROM appointment
       WHERE clinic_id = $1 AND chair_released_at > $2 AND status = ANY($3::text[])
         AND NOT (status = 'held' AND hold_expires_at <= $2)
       ORDER BY starts_at, id LIMIT 100`,
      [clinic.id, new Date(this.clock.now()), [...ACTIVE_STATUSES]],
    );
    if (rows.length === 0) return;
    throw new DomainError('conflict', `The clinic has ${rows[0].total} future visit(s); its time zone cannot change under them`, {
      errors: [{ path: 'timezone', message: 'cannot change while future visits are booked' }],
      conflicts: rows.map((r) => ({
        appointmentId: r.id,
        startsAt: r.starts_at.toISOString(),
        chairId: r.chair_id,
        kind: r.kind,
        reason: 'timezone-change',
      })),
    });
  }

  private sortHours(weekly: WeeklyInterval[]): WeeklyInterval[] {
    return [...weekly].sort((a, b) => a.weekday - b.weekday || minuteOf(a.opens) - minuteOf(b.opens));
  }
}
