import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { assertWaitWindow, CLOCK, Clock, DomainError, parseClinicTime } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { inTransaction, PG, pgCode, pgConstraint } from '@chairtime/persistence';
import { assertPatientScope, Principal, Role } from '@chairtime/identity';
import { Course } from '@chairtime/courses/entities';
import { decodeCursor, loadScopedClinic, Page, toPage } from '@chairtime/scheduling';
import { ACTIVE_ENTRY_STATUSES, WaitlistEntry, WaitlistEntryStatus, WaitlistOffer } from './entities';
import { closeOffers } from './offer-state';
import { EntryView, toEntryView } from './waitlist-views';

/** Who is asking and for which request (scope checks, audit rows). */
export interface WaitlistActor {
  principal: Principal;
  requestId: string | null;
}

export interface JoinWaitlistInput {
  courseId: string;
  earliest: string;
  latest: string;
}

export interface WaitlistListQuery {
  status?: WaitlistEntryStatus;
  limit: number;
  cursor?: string;
}

/**
 * Joining, listing, reading and withdrawing waitlist entries. Patients act on their own courses;
 * staff on any patient of their clinics; another clinic's or patient's entry is 404. Every write
 * is one transaction with its audit row.
 */
@Injectable()
export class WaitlistService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Puts a booked course in line for sooner chair time within `[earliest, latest]`. */
  async join(actor: WaitlistActor, clinicId: string, input: JoinWaitlistInput): Promise<EntryView> {
    return inTransaction(this.dataSource, async (em) => {
      const clinic = await loadScopedClinic(em, actor.principal, clinicId);
      const course = await em.findOne(Course, { where: { id: input.courseId } });
      const noCourse = new DomainError('not-found', 'Course not found', {
        errors: [{ path: 'courseId', message: 'no such course in this clinic' }],
      });
      if (!course || course.clinicId !== clinic.id) throw noCourse;
      try {
        assertPatientScope(actor.principal, { id: course.patientId, clinicId: course.clinicId }, 'Course');
      } catch {
        throw noCourse;
      }
      if (course.status !== 'booked') {
        throw new DomainError('rule-violation', 'Only a booked course can wait for sooner chair time', {
          errors: [{ path: 'courseId', message: `the course is ${course.status}` }],
        });
      }
      // Bare wall times are the clinic's (API.md).
      const earliest = parseClinicTime(input.earliest, clinic.timezone, 'earliest').getTime();
      const latest = parseClinicTime(input.latest, clinic.timezone, 'latest').getTime();
      assertWaitWindow(earliest, latest, this.clock.now());
      const entry = em.create(WaitlistEntry, {
        clinicId: clinic.id,
        patientId: course.patientId,
        courseId: course.id,
        earliest: new Date(earliest),
        latest: new Date(latest),
        status: 'waiting',
        createdBy: actor.principal.userId,
      });
      await em.query('SAVEPOINT waitlist_join');
      try {
        await em.save(entry);
      } catch (e) {
        if (pgCode(e) !== PG.uniqueViolation || pgConstraint(e) !== 'waitlist_entry_active_course_uq') throw e;
        await em.query('ROLLBACK TO SAVEPOINT waitlist_join');
        throw new DomainError('conflict', 'The course is already on the waitlist', {
          errors: [{ path: 'courseId', message: 'already waiting' }],
        });
      }
      await this.record(actor, 'waitlist.join', entry, em);
      return toEntryView(entry, []);
    });
  }

  /** One entry with its offers: the patient's own, or any of the staff member's clinics. */
  async get(actor: WaitlistActor, clinicId: string, entryId: string): Promise<EntryView> {
    const em = this.dataSource.manager;
    const entry = await this.load(em, actor.principal, clinicId, entryId);
    const offers = await em.find(WaitlistOffer, { where: { entryId: entry.id }, order: { createdAt: 'DESC', id: 'DESC' } });
    return toEntryView(entry, offers);
  }

  /** The clinic's line in waiting order (a patient sees only their own entries); paged by (createdAt, id). */
  async list(actor: WaitlistActor, clinicId: string, q: WaitlistListQuery): Promise<Page<EntryView>> {
    const clinic = await loadScopedClinic(this.dataSource.manager, actor.principal, clinicId);
    const qb = this.dataSource.getRepository(WaitlistEntry).createQueryBuilder('e').where('e.clinic_id = :cid', { cid: clinic.id });
    if (actor.principal.role === Role.Patient) qb.andWhere('e.patient_id = :pid', { pid: actor.principal.patientId });
    if (q.status !== undefined) qb.andWhere('e.status = :status', { status: q.status });
    else qb.andWhere('e.status IN (:...active)', { active: ACTIVE_ENTRY_STATUSES });
    const after = decodeCursor(q.cursor);
    if (after) qb.andWhere('(e.created_at, e.id) > (:k::timestamptz, :kid)', { k: after.sortKey, kid: after.id });
    const rows = await qb
      .orderBy('e.created_at')
      .addOrderBy('e.id')
      .take(q.limit + 1)
      .getMany();
    return toPage(
      rows,
      q.limit,
      (e) => [e.createdAt.toISOString(), e.id],
      (e) => toEntryView(e),
    );
  }

  /** Leaves the line; open offers of the entry are gone and their freed times go to the next in line. */
  async withdraw(actor: WaitlistActor, clinicId: string, entryId: string): Promise<void> {
    await inTransaction(this.dataSource, async (em) => {
      const entry = await this.load(em, actor.principal, clinicId, entryId, true);
      if (!ACTIVE_ENTRY_STATUSES.includes(entry.status)) {
        throw new DomainError('invalid-state', `The entry is ${entry.status}`, { currentStatus: entry.status });
      }
      await em.update(WaitlistEntry, { id: entry.id }, { status: 'withdrawn' });
      const open = await em.find(WaitlistOffer, { where: { entryId: entry.id, status: 'offered' }, select: { id: true } });
      await closeOffers(
        em,
        open.map((o) => o.id),
        'gone',
        true,
      );
      await this.record(actor, 'waitlist.withdraw', entry, em);
    });
  }

  private async load(em: EntityManager, principal: Principal, clinicId: string, id: string, lock = false): Promise<WaitlistEntry> {
    const entry = await em.findOne(WaitlistEntry, {
      where: { id, clinicId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!entry) throw new DomainError('not-found', 'Waitlist entry not found');
    assertPatientScope(principal, { id: entry.patientId, clinicId: entry.clinicId }, 'Waitlist entry');
    return entry;
  }

  private record(actor: WaitlistActor, action: string, entry: WaitlistEntry, em: EntityManager): Promise<void> {
    return this.audit.record(
      {
        actorId: actor.principal.userId,
        actorRole: actor.principal.role,
        action,
        resourceType: 'waitlist-entry',
        resourceId: entry.id,
        clinicId: entry.clinicId,
        patientId: entry.patientId,
        requestId: actor.requestId,
        outcome: 'success',
      },
      em,
    );
  }
}
