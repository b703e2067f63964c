import { EntityManager, In } from 'typeorm';
import { MessageChannel, patientQuietWindow, waitlistSendAt } from '@chairtime/domain';
import { enqueue } from '@chairtime/jobs';
import { Clinic } from '@chairtime/scheduling/entities';
import { Patient } from '@chairtime/clinical/entities';
import { Message } from '@chairtime/messaging/entities';
import { sendJob } from '@chairtime/messaging';

/** What a waitlist message is about: a patient, their course, and the chair time offered. */
export interface WaitlistMessage {
  clinicId: string;
  courseId: string;
  kind: 'waitlist-offer' | 'waitlist-offer-gone';
  /** The offered start: a message without a visit shows its planned time as its date and time. */
  offeredStart: Date;
  sendAt: Date;
}

/**
 * Writes a waitlist message in the caller's transaction, on the patient's preferred channel, with
 * its send job (the message id only). Without consent for that channel the row is recorded
 * `skipped` (`no-consent`) and nothing is queued, so staff can see it was not delivered.
 */
export async function writeWaitlistMessage(em: EntityManager, patient: Patient, m: WaitlistMessage): Promise<Message> {
  const channel: MessageChannel = patient.contactPreference;
  const consented = patient.consent?.[channel] === true;
  const message = await em.save(
    em.create(Message, {
      clinicId: m.clinicId,
      patientId: patient.id,
      appointmentId: null,
      courseId: m.courseId,
      kind: m.kind,
      channel,
      anchor: 'booking',
      offset: 'PT0S',
      plannedAt: m.offeredStart,
      sendAt: m.sendAt,
      // Never after the offered start: an offer (or its notice) of a time already begun only confuses.
      notAfter: m.offeredStart,
      status: consented ? 'scheduled' : 'skipped',
      skipReason: consented ? null : 'no-consent',
      appointmentVersion: null,
    }),
  );
  if (consented) {
    await enqueue(em, sendJob(message));
  }
  return message;
}

/** A closed offer whose `waitlist-offer` message reached the patient. */
interface SentOffer {
  clinic_id: string;
  patient_id: string;
  course_id: string;
  starts_at: Date;
}

/**
 * Tells the patients of offers that just became `gone` because someone else got the chair time
 * (another claim won, or it was booked from off the list) that the time is taken and they stay in
 * line: one `waitlist-offer-gone` message per offer whose offer message was sent. An offer whose
 * message never went out needs no news (closing withdrew it); neither does an expired offer, nor
 * one closed because the patient left the line or their own visit changed — callers pass only the
 * ids {@link closeOffers} closed for someone else's sake, so a repeated close tells no one twice.
 * Quiet hours apply; a notice that could only go out after the offered start is not written.
 *
 * @returns how many notices were written
 */
export async function tellOffersGone(em: EntityManager, offerIds: string[], now: number): Promise<number> {
  if (offerIds.length === 0) return 0;
  const sent = (await em.query(
    `SELECT o.clinic_id, o.patient_id, m.course_id, o.starts_at FROM waitlist_offer o JOIN message m ON m.id = o.message_id
     WHERE o.id = ANY($1) AND o.status = 'gone' AND m.status = 'sent' ORDER BY o.created_at, o.id`,
    [offerIds],
  )) as SentOffer[];
  if (sent.length === 0) return 0;
  // Every offer of one freed time is of one clinic.
  const [clinic, patients] = await Promise.all([
    em.findOneOrFail(Clinic, { where: { id: sent[0].clinic_id } }),
    em.find(Patient, { where: { id: In(sent.map((o) => o.patient_id)) } }),
  ]);
  let written = 0;
  for (const o of sent) {
    const patient = patients.find((p) => p.id === o.patient_id) as Patient;
    const quiet = patientQuietWindow(clinic, patient);
    const sendAt = waitlistSendAt(now, o.starts_at.getTime(), quiet);
    if (sendAt === null) continue;
    await writeWaitlistMessage(em, patient, {
      clinicId: o.clinic_id,
      courseId: o.course_id,
      kind: 'waitlist-offer-gone',
      offeredStart: o.starts_at,
      sendAt: new Date(sendAt),
    });
    written++;
  }
  return written;
}
