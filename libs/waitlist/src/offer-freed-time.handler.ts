import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import {
  ACTIVE_STATUSES,
  CLOCK,
  Clock,
  findWaitlistFit,
  OFFERS_PER_FREED_TIME,
  offerTiming,
  Protocol,
  WaitingCourse,
  patientQuietWindow,
} from '@chairtime/domain';
import { enqueue, jobId, JobHandler, JobName, JobPayloads } from '@chairtime/jobs';
import { inTransaction } from '@chairtime/persistence';
import { ProtocolService } from '@chairtime/courses';
import { Course } from '@chairtime/courses/entities';
import { Appointment, Chair, Clinic, VisitKind } from '@chairtime/scheduling/entities';
import { Patient } from '@chairtime/clinical/entities';
import { FreedChairTime, WaitlistEntry, WaitlistOffer } from './entities';
import { writeWaitlistMessage } from './waitlist-messages';

/** Waiting entries read per batch while looking for fits (most fit or fail on the first few). */
const BATCH = 50;

/** The expiry job of an offer. */
export const expireOfferJobId = (offerId: string): string => jobId('expire-offer', offerId);

/**
 * Offers a freed chair time to the first waiting entries (by waiting order) whose window holds
 * its start and whose course could move a visit there ({@link findWaitlistFit}), at most
 * {@link OFFERS_PER_FREED_TIME} at once. One transaction: the offers, the entries moving to
 * `offered`, the `waitlist-offer` messages and their send and expiry jobs commit together.
 *
 * Re-reads the freed row under a lock and does nothing once it is no longer open, has passed, or
 * the chair was booked again meanwhile, so a repeated or late job is harmless. Entries are read
 * `FOR UPDATE SKIP LOCKED`: two freed times processed at once never offer to the same entry.
 */
@Injectable()
export class OfferFreedTimeHandler implements JobHandler<JobName.OfferFreedTime> {
  readonly jobName = JobName.OfferFreedTime;
  private readonly logger = new Logger(OfferFreedTimeHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly protocols: ProtocolService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(payload: JobPayloads[JobName.OfferFreedTime]): Promise<void> {
    const offered = await inTransaction(this.dataSource, (em) => this.offer(em, payload.freedId));
    if (offered > 0) this.logger.log({ freedId: payload.freedId, offered }, 'freed chair time offered');
  }

  private async offer(em: EntityManager, freedId: string): Promise<number> {
    const freed = await em.findOne(FreedChairTime, { where: { id: freedId }, lock: { mode: 'pessimistic_write' } });
    if (!freed || freed.status !== 'open') return 0;
    const now = this.clock.now();
    if (freed.startsAt.getTime() <= now || (await this.chairRetaken(em, freed))) {
      await em.update(FreedChairTime, { id: freed.id }, { status: 'lapsed' });
      return 0;
    }
    const open = await em.count(WaitlistOffer, { where: { freedId: freed.id, status: 'offered' } });
    const wanted = OFFERS_PER_FREED_TIME - open;
    if (wanted <= 0) return 0;
    // One after the other: a transaction's connection runs one query at a time anyway.
    const clinic = await em.findOneOrFail(Clinic, { where: { id: freed.clinicId } });
    const chair = await em.findOneOrFail(Chair, { where: { id: freed.chairId } });
    const offers: WaitlistOffer[] = [];
    let after: WaitlistEntry | undefined;
    while (offers.length < wanted) {
      const entries = await this.waiting(em, freed, after);
      const courses = await this.waitingCourses(em, entries, now);
      for (const entry of entries) {
        const course = courses.get(entry.id);
        const target = { start: freed.startsAt.getTime(), chairCapabilities: chair.capabilities };
        const fit = course ? findWaitlistFit(target, course, clinic.timezone) : null;
        const offer = fit ? await this.create(em, clinic, entry, freed, fit, now) : null;
        if (offer) offers.push(offer);
        if (offers.length === wanted) break;
      }
      if (entries.length < BATCH) break;
      after = entries[entries.length - 1];
    }
    return offers.length;
  }

  /** Whether an active visit occupies the freed start on that chair again. */
  private async chairRetaken(em: EntityManager, freed: FreedChairTime): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `SELECT 1 FROM appointment WHERE chair_id = $1 AND status = ANY($2) AND chair_time @> $3::timestamptz LIMIT 1`,
      [freed.chairId, ACTIVE_STATUSES, freed.startsAt],
    );
    return rows.length > 0;
  }

  /**
   * The next batch of waiting entries whose window holds the freed start, in waiting order after
   * `after` (a keyset, since entries offered meanwhile leave the set), never offered this time before.
   */
  private waiting(em: EntityManager, freed: FreedChairTime, after?: WaitlistEntry): Promise<WaitlistEntry[]> {
    const qb = em
      .getRepository(WaitlistEntry)
      .createQueryBuilder('e')
      .where("e.clinic_id = :clinicId AND e.status = 'waiting' AND e.earliest <= :at AND e.latest >= :at", {
        clinicId: freed.clinicId,
        at: freed.startsAt,
      })
      .andWhere('NOT EXISTS (SELECT 1 FROM waitlist_offer o WHERE o.entry_id = e.id AND o.freed_id = :freedId)', { freedId: freed.id });
    if (after) qb.andWhere('(e.created_at, e.id) > (:k, :kid)', { k: after.createdAt, kid: after.id });
    return qb.orderBy('e.created_at').addOrderBy('e.id').limit(BATCH).setLock('pessimistic_write').setOnLocked('skip_locked').getMany();
  }

  /**
   * Each entry's course as the fit rule ({@link findWaitlistFit} in libs/domain) reads it, for a
   * whole batch of entries in three statements (courses, their visit kinds, their active visits)
   * rather than three per entry.
   */
  private async waitingCourses(em: EntityManager, entries: WaitlistEntry[], now: number): Promise<Map<string, WaitingCourse>> {
    const byEntry = new Map<string, WaitingCourse>();
    if (entries.length === 0) return byEntry;
    const courses = await em.find(Course, { where: { id: In(entries.map((e) => e.courseId)) } });
    const protocols = new Map<string, Protocol>();
    for (const course of courses) protocols.set(course.id, await this.protocols.version(course.protocolKey, course.protocolVersion, em));
    const kindKeys = [...new Set([...protocols.values()].map((p) => p.visitKind))];
    const kinds = new Map((await em.find(VisitKind, { where: { key: In(kindKeys) } })).map((k) => [k.key, k]));
    const visits = await em.find(Appointment, {
      where: { courseId: In(courses.map((c) => c.id)), status: In([...ACTIVE_STATUSES]) },
    });
    const courseById = new Map(courses.map((c) => [c.id, c]));
    const visitsByCourse = new Map<string, Appointment[]>();
    for (const v of visits) visitsByCourse.set(v.courseId!, [...(visitsByCourse.get(v.courseId!) ?? []), v]);
    for (const entry of entries) {
      const course = courseById.get(entry.courseId);
      const protocol = protocols.get(entry.courseId);
      if (!course || !protocol) continue;
      const kind = kinds.get(protocol.visitKind);
      byEntry.set(entry.id, {
        protocol,
        capability: kind?.needsChair ? kind.capability : null,
        visits: (visitsByCourse.get(course.id) ?? []).map((v) => ({
          id: v.id,
          sequence: v.sequence ?? 0,
          start: v.startsAt.getTime(),
          movable: v.status === 'booked' && v.startsAt.getTime() > now,
        })),
        anchor: course.anchorAt?.getTime(),
        earliest: entry.earliest.getTime(),
        latest: entry.latest.getTime(),
      });
    }
    return byEntry;
  }

  /**
   * The offer, the entry's new status, the message with its send job, and the expiry job; none
   * when quiet hours would hold the message until after the offered start.
   */
  private async create(
    em: EntityManager,
    clinic: Clinic,
    entry: WaitlistEntry,
    freed: FreedChairTime,
    fit: { visitId: string },
    now: number,
  ): Promise<WaitlistOffer | null> {
    const patient = await em.findOneOrFail(Patient, { where: { id: entry.patientId } });
    const quiet = patientQuietWindow(clinic, patient);
    const timing = offerTiming(now, freed.startsAt.getTime(), quiet);
    if (!timing) return null;
    const message = await writeWaitlistMessage(em, patient, {
      clinicId: entry.clinicId,
      courseId: entry.courseId,
      kind: 'waitlist-offer',
      offeredStart: freed.startsAt,
      sendAt: new Date(timing.sendAt),
    });
    const offer = await em.save(
      em.create(WaitlistOffer, {
        clinicId: entry.clinicId,
        entryId: entry.id,
        freedId: freed.id,
        patientId: entry.patientId,
        appointmentId: fit.visitId,
        startsAt: freed.startsAt,
        chairId: freed.chairId,
        expiresAt: new Date(timing.expiresAt),
        status: 'offered',
        messageId: message.id,
      }),
    );
    await em.update(WaitlistEntry, { id: entry.id }, { status: 'offered' });
    await enqueue(em, {
      name: JobName.ExpireWaitlistOffer,
      jobId: expireOfferJobId(offer.id),
      payload: { offerId: offer.id },
      runAt: offer.expiresAt,
      clinicId: entry.clinicId,
    });
    return offer;
  }
}
