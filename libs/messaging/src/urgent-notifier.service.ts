import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CLOCK, Clock, MessageChannel, messageNotAfter } from '@chairtime/domain';
import { enqueue } from '@chairtime/jobs';
import { PatientNotifier, UrgentPatientMessage } from '@chairtime/clinical';
import { Patient } from '@chairtime/clinical/entities';
import { Message } from './entities';
import { sendJob } from './send-job';
import { BoosterOfferService } from './booster-offer.service';

/**
 * The messaging side of PATIENT_NOTIFIER: an immediate message (quiet hours do not apply to
 * urgent kinds) through the patient's preferred channel, written with its send job into the
 * caller's transaction. Without consent for that channel the row is recorded `skipped`
 * (`no-consent`) so staff can see it was not delivered; the safety task is raised by clinical
 * either way.
 */
@Injectable()
export class UrgentNotifierService implements PatientNotifier {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly boosterOffers: BoosterOfferService,
  ) {}

  /** A relapse signal: the booster offer (see BoosterOfferService). */
  offerBooster(em: EntityManager, p: { clinicId: string; patientId: string }): Promise<void> {
    return this.boosterOffers.offer(em, p);
  }

  async sendUrgent(em: EntityManager, m: UrgentPatientMessage): Promise<void> {
    const patient = await em.findOneOrFail(Patient, { where: { id: m.patientId, clinicId: m.clinicId } });
    const channel: MessageChannel = patient.contactPreference;
    const consented = patient.consent?.[channel] === true;
    const now = new Date(this.clock.now());
    const msg = await em.save(
      Message,
      em.create(Message, {
        clinicId: m.clinicId,
        patientId: m.patientId,
        appointmentId: null,
        courseId: null,
        kind: m.kind,
        channel,
        anchor: 'event',
        offset: 'PT0S',
        plannedAt: now,
        sendAt: now,
        notAfter: new Date(messageNotAfter({ kind: m.kind, plannedAt: now.getTime(), sendAt: now.getTime(), visitStart: null })),
        status: consented ? 'scheduled' : 'skipped',
        skipReason: consented ? null : 'no-consent',
        appointmentVersion: null,
      }),
    );
    if (!consented) return;
    await enqueue(em, sendJob(msg));
  }
}
