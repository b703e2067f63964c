import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CLOCK, Clock, DomainError } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { cancelJobs, JobName } from '@chairtime/jobs';
import { inTransaction, lockPatients } from '@chairtime/persistence';
import { assertPatientScope, Principal } from '@chairtime/identity';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { ActionClaims, ActionDescription, ActionDelegate, ActionService, issueActionToken, MessageLinks } from '@chairtime/messaging';
import { Appointment, AppointmentResponse, BookingService, toAppointmentResponse } from '@chairtime/scheduling';
import { FreedChairTime, WaitlistEntry, WaitlistOffer } from './entities';
import { closeOffers } from './offer-state';
import { tellOffersGone } from './waitlist-messages';
import { expireOfferJobId } from './offer-freed-time.handler';
import { OfferView, toOfferView } from './waitlist-views';

/** Who claims: a signed-in patient (or staff on their behalf), or the bearer of the message's link. */
type Claimant = { principal: Principal } | { link: ActionClaims };

/** What a claim transaction decided; a loss is committed (offers closed) before it is answered. */
type Outcome = { won: true; offer: OfferView; appointment: AppointmentResponse } | { won: false; error: DomainError };

/**
 * Claims a waitlist offer: the first claim wins. Every claim of one freed time locks that freed
 * row first, so claims run one at a time; the winner's visit moves through BookingService (the
 * clinic-time locks, the capacity check and the exclusion constraints decide whether the chair time
 * is still free) and every other open offer of the freed time becomes `gone` in the same
 * transaction. A loser gets 409 — including when the chair was taken by someone off the list.
 *
 * Whenever an offer is gone because the time went to someone else, a patient whose offer message
 * was sent is told so ({@link tellOffersGone}) in the same transaction — otherwise they would be
 * left holding a link to a time they can no longer have; unsent offer messages are withdrawn. An
 * offer closed because the patient's own visit or course changed gets no such notice: the time
 * was not taken, and it goes on to the next in line.
 */
@Injectable()
export class OfferClaimService implements ActionDelegate, OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly booking: BookingService,
    private readonly audit: AuditService,
    private readonly actions: ActionService,
    private readonly links: MessageLinks,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.actions.delegate('claim-waitlist-offer', this);
    this.links.register('waitlist-offer', { link: (messageId, now) => this.offerLink(messageId, now) });
  }

  /**
   * The claim link of a waitlist offer's message, valid until the offer expires; null when the
   * offer was claimed, lost or expired meanwhile (the message would announce a time that is gone).
   */
  async offerLink(messageId: string, now: number): Promise<string | null> {
    const [offer] = await this.dataSource.query<{ id: string; appointment_id: string; expires_at: Date }[]>(
      `SELECT id, appointment_id, expires_at FROM waitlist_offer WHERE message_id = $1 AND status = 'offered' AND expires_at > $2`,
      [messageId, new Date(now)],
    );
    if (!offer) return null;
    const token = issueActionToken(this.config.jwtSecret, {
      purpose: 'claim-waitlist-offer',
      appointmentId: offer.appointment_id,
      offerId: offer.id,
      exp: Math.floor(offer.expires_at.getTime() / 1000),
    });
    return `/v1/actions/${token}`;
  }

  /** `POST /v1/waitlist/offers/:offerId/claim`. */
  claimAs(principal: Principal, offerId: string, requestId: string | null) {
    return this.claim({ principal }, offerId, requestId);
  }

  /** The one-tap link's description (`GET /v1/actions/:token`). */
  async describe(c: ActionClaims): Promise<ActionDescription> {
    const offer = await this.dataSource.manager.findOne(WaitlistOffer, { where: { id: c.offerId ?? '', appointmentId: c.appointmentId } });
    if (!c.offerId || !offer) throw new DomainError('not-found', 'Action not found');
    return {
      purpose: c.purpose,
      startsAt: offer.startsAt.toISOString(),
      expiresAt: offer.expiresAt.toISOString(),
      used: offer.status !== 'offered',
    };
  }

  /** The one-tap link's action (`POST /v1/actions/:token`). */
  async perform(c: ActionClaims, requestId: string | null): Promise<void> {
    if (!c.offerId) throw new DomainError('not-found', 'Action not found');
    await this.claim({ link: c }, c.offerId, requestId);
  }

  private async claim(who: Claimant, offerId: string, requestId: string | null) {
    const outcome = await inTransaction(this.dataSource, (em) => this.decide(em, who, offerId, requestId));
    if (!outcome.won) throw outcome.error;
    return { offer: outcome.offer, appointment: outcome.appointment };
  }

  private async decide(em: EntityManager, who: Claimant, offerId: string, requestId: string | null): Promise<Outcome> {
    const peek = await this.load(em, who, offerId);
    // The patient's lock first (lock order: libs/persistence), and before the savepoint below (a
    // rollback to it would release a lock taken after it): the move re-validates the patient's
    // course and rest day, which no other change of theirs may alter until this commits.
    await lockPatients(em, [peek.patientId]);
    // The freed row is the claims' common lock: the first to take it decides for all of them.
    const freed = await em.findOneOrFail(FreedChairTime, { where: { id: peek.freedId }, lock: { mode: 'pessimistic_write' } });
    const offer = await em.findOneOrFail(WaitlistOffer, { where: { id: offerId } });
    const now = this.clock.now();
    if (offer.status !== 'offered') return lost(`The offer is ${offer.status}`, offer.status);
    if (offer.expiresAt.getTime() <= now) return lost('The offer expired', 'expired');
    if (freed.status !== 'open') {
      await tellOffersGone(em, await closeOffers(em, [offer.id], 'gone', false), now);
      return lost('The time was taken', 'gone');
    }

    const appt = await em.findOne(Appointment, { where: { id: offer.appointmentId }, lock: { mode: 'pessimistic_write' } });
    if (!appt || appt.status !== 'booked' || appt.startsAt.getTime() <= offer.startsAt.getTime()) {
      await closeOffers(em, [offer.id], 'gone', true);
      return lost('The visit the offer would move has changed', 'gone');
    }
    await em.query('SAVEPOINT waitlist_claim');
    try {
      await this.booking.reschedule(em, appt, offer.startsAt, offer.chairId);
    } catch (e) {
      if (!(e instanceof DomainError) || (e.code !== 'conflict' && e.code !== 'rule-violation')) throw e;
      await em.query('ROLLBACK TO SAVEPOINT waitlist_claim');
      if (e.code === 'rule-violation') {
        // The course changed since the offer: this offer no longer fits, the freed time may fit others.
        await closeOffers(em, [offer.id], 'gone', true);
        return { won: false, error: new DomainError('rule-violation', e.message, e.details) };
      }
      // Someone off the list booked the chair time: every offer of it is gone.
      await em.update(FreedChairTime, { id: freed.id }, { status: 'lapsed' });
      await this.closeSiblings(em, freed.id, null, now);
      return lost('The time was taken', 'gone');
    }
    await em.update(WaitlistOffer, { id: offer.id }, { status: 'claimed' });
    await em.update(WaitlistEntry, { id: offer.entryId }, { status: 'fulfilled' });
    await em.update(FreedChairTime, { id: freed.id }, { status: 'claimed' });
    await cancelJobs(em, JobName.ExpireWaitlistOffer, [expireOfferJobId(offer.id)], offer.clinicId);
    await this.closeSiblings(em, freed.id, offer.id, now);
    await this.audit.record(
      {
        actorId: 'principal' in who ? who.principal.userId : null,
        actorRole: 'principal' in who ? who.principal.role : 'patient-link',
        action: 'waitlist.claim',
        resourceType: 'waitlist-offer',
        resourceId: offer.id,
        clinicId: offer.clinicId,
        patientId: offer.patientId,
        requestId,
        outcome: 'success',
      },
      em,
    );
    return { won: true, offer: toOfferView({ ...offer, status: 'claimed' }), appointment: toAppointmentResponse(appt) };
  }

  /** The offer the claimant may claim; anything else is 404, indistinguishable from a missing offer. */
  private async load(em: EntityManager, who: Claimant, offerId: string): Promise<WaitlistOffer> {
    const offer = await em.findOne(WaitlistOffer, { where: { id: offerId } });
    const notFound = new DomainError('not-found', 'Offer not found');
    if (!offer) throw notFound;
    if ('link' in who) {
      if (who.link.appointmentId !== offer.appointmentId) throw notFound;
    } else {
      assertPatientScope(who.principal, { id: offer.patientId, clinicId: offer.clinicId }, 'Offer');
    }
    return offer;
  }

  /** Closes the freed time's open offers (but `except`, the winner's) and tells their patients. */
  private async closeSiblings(em: EntityManager, freedId: string, except: string | null, now: number): Promise<void> {
    const open = await em.find(WaitlistOffer, { where: { freedId, status: 'offered' }, select: { id: true } });
    const closed = await closeOffers(
      em,
      open.map((o) => o.id).filter((id) => id !== except),
      'gone',
      false,
    );
    await tellOffersGone(em, closed, now);
  }
}

function lost(message: string, currentStatus: string): Outcome {
  return { won: false, error: new DomainError('invalid-state', message, { currentStatus }) };
}
