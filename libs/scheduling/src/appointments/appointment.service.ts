import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  addDays,
  assertBookingLead,
  CLOCK,
  Clock,
  computeAvailability,
  DomainError,
  earliestBookableStart,
  instantToLocal,
  INSTANT_PATTERN,
  parseClinicBound,
  parseClinicTime,
} from '@chairtime/domain';
import { inTransaction, lockPatientOf, lockPatients } from '@chairtime/persistence';
import { assertClinicScope, assertPatientScope, Principal, Role } from '@chairtime/identity';
import { AuditService } from '@chairtime/audit';
import { Appointment, Chair, Clinic } from '../entities';
import { BookingService } from '../booking/booking.service';
import { BookingConflict } from '../booking/booking.types';
import { RescheduleGuards } from '../booking/reschedule-guards';
import { AppointmentResponse, toAppointmentResponse } from '../booking/appointment-response';
import { CapacityLoader, loadVisitKind, visitKindSpec } from '../capacity/capacity-loader.service';
import { loadScopedClinic } from '../clinics/clinic-admin.service';
import { decodeCursor, Page, toPage } from '../paging';
import { bookingParty } from '../booking/booking-party';

/** Who is asking and for which request (scope checks, audit rows). */
export interface Actor {
  principal: Principal;
  requestId: string | null;
}

export interface BookVisitInput {
  patientId: string;
  clinicId: string;
  kind: string;
  startsAt: string;
  chairId?: string;
}

export interface AppointmentListQuery {
  clinicId?: string;
  patientId?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

/**
 * Idempotency-Key support, as a port: the key table and its service belong to the courses module,
 * which depends on this one, so the HTTP layer passes the store in (same shape as its service).
 */
export interface IdempotencyPort {
  store: {
    claim(
      em: EntityManager,
      k: { clinicId: string; actor: string; key: string; hash: string },
    ): Promise<{ kind: 'fresh'; id: string } | { kind: 'replay'; response: { status: number; body: unknown } }>;
    store(em: EntityManager, id: string, response: { status: number; body: unknown }): Promise<void>;
  };
  key: string;
  /** Hash of the route and canonical body: the same key with another body is refused (422). */
  hash: string;
}

/** Refusals of a single start that are malformed input (400) rather than a taken slot (409). */
const INPUT_REFUSALS = new Set(['past', 'off-grid']);
const ALTERNATIVE_DAYS = 14;

/**
 * Single visits over HTTP: book, read, list, cancel, no-show, move and alternatives. Every write
 * is one transaction (retried on serialization failures) through {@link BookingService}.
 */
@Injectable()
export class AppointmentService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly booking: BookingService,
    private readonly capacity: CapacityLoader,
    private readonly audit: AuditService,
    private readonly guards: RescheduleGuards,
  ) {}

  /** Books one visit; with `idem`, the same key and body replays the first response. */
  async create(actor: Actor, input: BookVisitInput, idem?: IdempotencyPort): Promise<{ status: number; body: unknown }> {
    return inTransaction(this.dataSource, async (em) => {
      const clinic = await loadScopedClinic(em, actor.principal, input.clinicId);
      let keyId: string | null = null;
      if (idem) {
        // Claimed first in the transaction: a concurrent duplicate waits on the key's unique index.
        const claim = await idem.store.claim(em, { clinicId: clinic.id, actor: actor.principal.userId, key: idem.key, hash: idem.hash });
        if (claim.kind === 'replay') return claim.response;
        keyId = claim.id;
      }
      await this.assertPatient(em, actor.principal, input.patientId, clinic.id);
      // The patient's lock first (lock order: libs/persistence): the single-visit guards below
      // read the patient's other visits, and must still be right when this one commits.
      await lockPatients(em, [input.patientId]);
      const kind = await loadVisitKind(em, input.kind);
      const startsAt = parseClinicTime(input.startsAt, clinic.timezone, 'startsAt', { notBefore: this.clock.now() });
      assertBookingLead(bookingParty(actor.principal), this.clock.now(), clinic.settings.minimumLeadMinutes, [
        { path: 'startsAt', start: startsAt.getTime() },
      ]);
      if (input.chairId !== undefined) {
        if (!kind.needsChair) throw new DomainError('validation', `A ${kind.key} visit takes no chair`, { path: 'chairId' });
        const chair = await em.getRepository(Chair).findOne({ where: { id: input.chairId } });
        if (!chair || chair.clinicId !== clinic.id || !chair.active) {
          throw new DomainError('not-found', 'Chair not found', { errors: [{ path: 'chairId', message: 'no such chair in this clinic' }] });
        }
        if (kind.capability !== null && !chair.capabilities.includes(kind.capability)) {
          throw new DomainError('rule-violation', `The chair cannot host ${kind.key} visits`, {
            errors: [{ path: 'chairId', message: `chair lacks the ${kind.capability} capability` }],
          });
        }
      }
      // Screening, REMS and the rest day: a single treatment visit obeys what a course enforces.
      await this.guards.checkSingleVisit(em, { clinic, patientId: input.patientId, kind, startsAt });
      let appt: Appointment;
      try {
        [appt] = await this.booking.bookVisits(
          em,
          clinic,
          [{ key: 'startsAt', patientId: input.patientId, kind: kind.key, startsAt, chairId: input.chairId ?? null }],
          { status: 'booked', createdBy: actor.principal.userId },
        );
      } catch (e) {
        throw singleVisitError(e);
      }
      await this.record(actor, 'appointment.create', appt, em);
      const response = { status: 201, body: toAppointmentResponse(appt) };
      if (idem && keyId !== null) await idem.store.store(em, keyId, response);
      return response;
    });
  }

  async get(actor: Actor, id: string): Promise<AppointmentResponse> {
    return toAppointmentResponse(await this.load(this.dataSource.manager, actor.principal, id));
  }

  /** Pages by (startsAt, id). Patients see their own visits; staff the visits of their clinics. */
  async list(actor: Actor, q: AppointmentListQuery): Promise<Page<AppointmentResponse>> {
    const p = actor.principal;
    const qb = this.dataSource.getRepository(Appointment).createQueryBuilder('a');
    if (p.role === Role.Patient) {
      if (q.patientId !== undefined && q.patientId !== p.patientId) return { items: [], nextCursor: null };
      qb.where('a.patient_id = :pid', { pid: p.patientId });
    } else if (p.role !== Role.Admin) {
      if (q.clinicId !== undefined) assertClinicScope(p, q.clinicId);
      qb.where('a.clinic_id = ANY(:clinics)', { clinics: p.clinicIds });
    } else {
      qb.where('TRUE');
    }
    if (q.clinicId !== undefined) qb.andWhere('a.clinic_id = :cid', { cid: q.clinicId });
    if (q.patientId !== undefined) qb.andWhere('a.patient_id = :qpid', { qpid: q.patientId });
    // A bare wall time or date is read in the named clinic's zone (API.md); the clinic is only
    // read when one is given.
    const bare = [q.from, q.to].some((v) => v !== undefined && !INSTANT_PATTERN.test(v));
    const zone =
      bare && q.clinicId !== undefined
        ? ((await this.dataSource.getRepository(Clinic).findOne({ where: { id: q.clinicId }, select: { id: true, timezone: true } }))
            ?.timezone ?? null)
        : null;
    if (q.from !== undefined) qb.andWhere('a.starts_at >= :from', { from: parseClinicBound(q.from, zone, 'from') });
    if (q.to !== undefined) qb.andWhere('a.starts_at < :to', { to: parseClinicBound(q.to, zone, 'to') });
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(a.starts_at, a.id) > (:k::timestamptz, :kid)', { k: after.sortKey, kid: after.id });
    const rows = await qb
      .orderBy('a.starts_at')
      .addOrderBy('a.id')
      .take(q.limit + 1)
      .getMany();
    return toPage(rows, q.limit, (a) => [a.startsAt.toISOString(), a.id], toAppointmentResponse);
  }

  async cancel(actor: Actor, id: string, reason: string): Promise<AppointmentResponse> {
    return inTransaction(this.dataSource, async (em) => {
      const appt = await this.load(em, actor.principal, id, true);
      await this.assertPatientNotice(em, actor.principal, appt);
      await this.booking.cancel(em, appt, { reason, actorId: actor.principal.userId });
      await this.record(actor, 'appointment.cancel', appt, em);
      return toAppointmentResponse(appt);
    });
  }

  async noShow(actor: Actor, id: string): Promise<AppointmentResponse> {
    return inTransaction(this.dataSource, async (em) => {
      const appt = await this.load(em, actor.principal, id, true);
      await this.booking.markNoShow(em, appt);
      await this.record(actor, 'appointment.no-show', appt, em);
      return toAppointmentResponse(appt);
    });
  }

  async reschedule(actor: Actor, id: string, input: { startsAt: string; chairId?: string }): Promise<AppointmentResponse> {
    return inTransaction(this.dataSource, async (em) => {
      // The patient's lock before the visit's row lock (lock order: libs/persistence); a visit's
      // patient never changes, so the unlocked read names the right one. (Taken before the scope
      // check: a lock taken for a caller who then gets 404 only delays that patient's changes.)
      await lockPatientOf(em, 'appointment', id);
      const appt = await this.load(em, actor.principal, id, true);
      const clinic = await em.getRepository(Clinic).findOneOrFail({ where: { id: appt.clinicId } });
      const startsAt = parseClinicTime(input.startsAt, clinic.timezone, 'startsAt', { notBefore: this.clock.now() });
      await this.assertPatientNotice(em, actor.principal, appt);
      assertBookingLead(bookingParty(actor.principal), this.clock.now(), clinic.settings.minimumLeadMinutes, [
        { path: 'startsAt', start: startsAt.getTime() },
      ]);
      if (input.chairId !== undefined) {
        const chair = await em.getRepository(Chair).findOne({ where: { id: input.chairId } });
        if (!chair || chair.clinicId !== clinic.id) {
          throw new DomainError('not-found', 'Chair not found', { errors: [{ path: 'chairId', message: 'no such chair in this clinic' }] });
        }
      }
      try {
        await this.booking.reschedule(em, appt, startsAt, input.chairId ?? null);
      } catch (e) {
        throw singleVisitError(e);
      }
      await this.record(actor, 'appointment.reschedule', appt, em);
      return toAppointmentResponse(appt);
    });
  }

  /** Nearest valid starts of the same kind within ±14 days, by distance from the current start. */
  async alternatives(actor: Actor, id: string, limit: number) {
    const em = this.dataSource.manager;
    const appt = await this.load(em, actor.principal, id);
    const clinic = await em.getRepository(Clinic).findOneOrFail({ where: { id: appt.clinicId } });
    const kind = await loadVisitKind(em, appt.kind);
    const day = instantToLocal(appt.startsAt.getTime(), clinic.timezone).date;
    const fromDate = addDays(day, -ALTERNATIVE_DAYS);
    const toDate = addDays(day, ALTERNATIVE_DAYS);
    const capacity = await this.capacity.load(em, clinic, fromDate, toDate, { excludeAppointmentIds: [appt.id] });
    const current = appt.startsAt.getTime();
    // A patient is offered only starts they may move to themselves (the clinic's lead).
    const now = earliestBookableStart(bookingParty(actor.principal), this.clock.now(), clinic.settings.minimumLeadMinutes);
    const slots = computeAvailability(capacity, { kind: visitKindSpec(kind, clinic), fromDate, toDate, now })
      .filter((s) => s.start !== current)
      .sort((a, b) => Math.abs(a.start - current) - Math.abs(b.start - current) || a.start - b.start)
      .slice(0, limit);
    return {
      alternatives: slots.map((s) => ({
        startsAt: new Date(s.start).toISOString(),
        endsAt: new Date(s.end).toISOString(),
        chairReleasedAt: new Date(s.chairReleasedAt).toISOString(),
        chairIds: s.chairIds,
      })),
    };
  }

  /** An appointment the caller may see (staff of its clinic, or its own patient); else 404. */
  private async load(em: EntityManager, principal: Principal, id: string, lock = false): Promise<Appointment> {
    const appt = await em.getRepository(Appointment).findOne({
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!appt) throw new DomainError('not-found', 'Appointment not found');
    assertPatientScope(principal, { id: appt.patientId, clinicId: appt.clinicId }, 'Appointment');
    return appt;
  }

  private async assertPatient(em: EntityManager, principal: Principal, patientId: string, clinicId: string): Promise<void> {
    const [row] = await em.query<{ clinic_id: string }[]>('SELECT clinic_id FROM patient WHERE id = $1', [patientId]);
    const notFound = new DomainError('not-found', 'Patient not found', { errors: [{ path: 'patientId', message: 'no such patient' }] });
    if (!row || row.clinic_id !== clinicId) throw notFound;
    try {
      assertPatientScope(principal, { id: patientId, clinicId: row.clinic_id });
    } catch {
      throw notFound;
    }
  }

  /** Patients may change their own visits only until `patientNoticeHours` before the start. */
  private async assertPatientNotice(em: EntityManager, principal: Principal, appt: Appointment): Promise<void> {
    if (principal.role !== Role.Patient) return;
    const clinic = await em.getRepository(Clinic).findOneOrFail({ where: { id: appt.clinicId } });
    const hours = clinic.settings.patientNoticeHours;
    if (appt.startsAt.getTime() - this.clock.now() < hours * 3600_000) {
      throw new DomainError(
        'rule-violation',
        `Visits can be changed online until ${hours} hours before the start; please call the clinic`,
        {
          reason: 'notice-period',
        },
      );
    }
  }

  private record(actor: Actor, action: string, appt: Appointment, em: EntityManager): Promise<void> {
    return this.audit.record(
      {
        actorId: actor.principal.userId,
        actorRole: actor.principal.role,
        action,
        resourceType: 'appointment',
        resourceId: appt.id,
        clinicId: appt.clinicId,
        patientId: appt.patientId,
        requestId: actor.requestId,
        outcome: 'success',
      },
      em,
    );
  }
}

/** A single visit's refusal: malformed starts are 400s, taken capacity 409 — both naming `startsAt`. */
function singleVisitError(e: unknown): unknown {
  if (!(e instanceof DomainError) || e.code !== 'conflict' || !Array.isArray(e.details.conflicts)) return e;
  const [conflict] = e.details.conflicts as BookingConflict[];
  if (conflict && INPUT_REFUSALS.has(conflict.reason)) {
    return new DomainError('validation', `startsAt is not bookable (${conflict.reason})`, { path: 'startsAt', reason: conflict.reason });
  }
  const conflicts = (e.details.conflicts as BookingConflict[]).map((c) => ({ startsAt: c.startsAt, reason: c.reason }));
  return new DomainError('conflict', e.message, {
    conflicts,
    errors: [{ path: 'startsAt', message: conflicts.map((c) => c.reason).join(', ') }],
  });
}
