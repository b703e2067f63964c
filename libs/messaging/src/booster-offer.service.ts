import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  boosterOfferRange,
  CLOCK,
  Clock,
  computeAvailability,
  CourseEnd,
  MessageChannel,
  RepeatRule,
  messageNotAfter,
  patientQuietWindow,
} from '@chairtime/domain';
import { enqueue } from '@chairtime/jobs';
import { CapacityLoader, loadVisitKind, visitKindSpec } from '@chairtime/scheduling';
import { Clinic } from '@chairtime/scheduling/entities';
import { Patient } from '@chairtime/clinical/entities';
import { Message } from './entities';
import { sendJob } from './send-job';
import { loadCourseEnd } from './course-end';

/** One offer a week at most: the +14 and +19 day check-ins may both signal the same relapse. */
const OFFER_INTERVAL_MS = 7 * 24 * 3600_000;

/**
 * The relapse → booster offer (DOMAIN.md, "Outcomes and safety": a relapse signal prompts an
 * earlier booster). Called in the transaction of the assessment that raised the signal; writes a
 * `booster-offer` message and its send job (ids only).
 *
 * The time offered is the first bookable start of the booster protocol's visit kind in
 * {@link boosterOfferRange} (the window's start, since a relapse pulls the booster forward),
 * found with the same capacity loader and availability sweep as `GET /availability`. A message
 * without a visit shows its `plannedAt` as its date and time, so `plannedAt` holds the time
 * offered; `sendAt` is now, or the end of the patient's quiet hours. No free time in the range →
 * the row is written `skipped` (`no-availability`) so staff see the offer could not be made.
 *
 * No offer when the patient has no induction course here, when no booster protocol exists for
 * its visit kind, when a visit of that kind is already booked after the induction (the booster),
 * or when an offer went out in the last week.
 */
@Injectable()
export class BoosterOfferService {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly capacity: CapacityLoader,
  ) {}

  async offer(em: EntityManager, p: { clinicId: string; patientId: string }): Promise<void> {
    const now = this.clock.now();
    const recent = (await em.query(
      `SELECT 1 FROM message WHERE patient_id = $1 AND kind = 'booster-offer' AND status IN ('scheduled', 'sent') AND send_at > $2 LIMIT 1`,
      [p.patientId, new Date(now - OFFER_INTERVAL_MS)],
    )) as unknown[];
    if (recent.length > 0) return;
    const induction = await this.lastInduction(em, p);
    if (!induction) return;
    const [booster] = (await em.query(
      `SELECT visit_kind, rules->'repeat' AS repeat FROM protocol WHERE visit_kind = $1 AND rules ? 'repeat' ORDER BY key, version DESC LIMIT 1`,
      [induction.end.visitKind],
    )) as { visit_kind: string; repeat: RepeatRule }[];
    if (!booster) return;
    const booked = (await em.query(
      `SELECT 1 FROM appointment WHERE patient_id = $1 AND kind = $2 AND status = 'booked' AND starts_at > $3 LIMIT 1`,
      [p.patientId, booster.visit_kind, new Date(Math.max(now, induction.end.at))],
    )) as unknown[];
    if (booked.length > 0) return;

    // One after the other: a transaction's connection runs one query at a time anyway.
    const clinic = await em.findOneOrFail(Clinic, { where: { id: p.clinicId } });
    const patient = await em.findOneOrFail(Patient, { where: { id: p.patientId, clinicId: p.clinicId } });
    const range = boosterOfferRange({
      lastInductionStart: induction.end.visitStart,
      windowMinDays: booster.repeat.windowMinDays,
      windowMaxDays: booster.repeat.windowMaxDays,
      now,
      zone: clinic.timezone,
    });
    const kind = await loadVisitKind(em, booster.visit_kind);
    const capacity = await this.capacity.load(em, clinic, range.fromDate, range.toDate);
    const [slot] = computeAvailability(capacity, { kind: visitKindSpec(kind, clinic), ...range, now });

    const quiet = patientQuietWindow(clinic, patient);
    const sendAt = quiet.isQuiet(now) ? quiet.nextAllowed(now) : now;
    const channel: MessageChannel = patient.contactPreference;
    const consented = patient.consent?.[channel] === true;
    const skipReason = !slot ? 'no-availability' : consented ? null : 'no-consent';
    const msg = await em.save(
      Message,
      em.create(Message, {
        clinicId: p.clinicId,
        patientId: p.patientId,
        appointmentId: null,
        courseId: induction.courseId,
        kind: 'booster-offer',
        channel,
        anchor: 'event',
        offset: 'PT0S',
        plannedAt: new Date(slot ? slot.start : now),
        sendAt: new Date(sendAt),
        // The offered time (or, without one, a day after now): an offer of a time already begun is never sent.
        notAfter: new Date(messageNotAfter({ kind: 'booster-offer', plannedAt: slot ? slot.start : now, sendAt, visitStart: null })),
        status: skipReason ? 'skipped' : 'scheduled',
        skipReason,
        appointmentVersion: null,
      }),
    );
    if (msg.status !== 'scheduled') return;
    await enqueue(em, sendJob(msg));
  }

  /** The patient's latest induction course (no repeat rule, not cancelled) and its end. */
  private async lastInduction(
    em: EntityManager,
    p: { clinicId: string; patientId: string },
  ): Promise<{ courseId: string; end: CourseEnd } | null> {
    const [course] = (await em.query(
      `SELECT c.id, c.status FROM course c JOIN protocol pr ON pr.key = c.protocol_key AND pr.version = c.protocol_version
       WHERE c.patient_id = $1 AND c.clinic_id = $2 AND c.status <> 'cancelled' AND NOT (pr.rules ? 'repeat')
       ORDER BY c.created_at DESC, c.id DESC LIMIT 1`,
      [p.patientId, p.clinicId],
    )) as { id: string; status: string }[];
    if (!course) return null;
    const end = await loadCourseEnd(em, course);
    return end ? { courseId: course.id, end } : null;
  }
}
