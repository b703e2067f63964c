import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { CheckInForm, CheckInKind, CLOCK, Clock, DomainError, checkInForm, isCheckInKind, validateCheckInAnswer } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { AssessmentService } from '@chairtime/clinical';
import { inTransaction } from '@chairtime/persistence';
import { AppointmentEvents } from '@chairtime/scheduling';
import { Appointment } from '@chairtime/scheduling/entities';
import { ActionTokenUse, CheckInAnswer, Message } from './entities';
import { ActionClaims, ActionPurpose, verifyActionToken } from './action-tokens';
import { ATTENDANCE_CONFIRMED_FLAG } from './message-links';

/** `GET /v1/actions/:token`: what the token does, nothing identifying. */
export interface ActionDescription {
  purpose: string;
  startsAt: string;
  expiresAt: string;
  used: boolean;
  /** `check-in-answer`: which check-in, and the questions with their ranges. */
  checkIn?: { kind: CheckInKind; form: CheckInForm };
}

/** Answer of a one-tap action; which fields apply depends on the purpose (checked per purpose). */
export interface ActionAnswer {
  driverName?: string;
  driverPhone?: string;
  phq9?: number[];
  feeling?: number;
  sideEffects?: string[];
  suicidalThoughts?: boolean;
}

/**
 * A purpose owned by another module (the waitlist's offer claims), registered at its init: that
 * module's tables and rules decide, and messaging need not depend on it.
 */
export interface ActionDelegate {
  describe(claims: ActionClaims): Promise<ActionDescription>;
  perform(claims: ActionClaims, requestId: string | null): Promise<void>;
}

/** Result of `POST /v1/actions/:token`. */
export interface ActionResult {
  purpose: string;
  done: true;
  /** Set when the answer raised the safety escalation: the page shows these at once, besides the message. */
  crisisResources?: { call: '988'; emergency: '911' };
}

const notFound = () => new DomainError('not-found', 'Action not found');

/**
 * One-tap actions from patient messages: signed, single-purpose, expiring, single-use. Each
 * purpose is one branch of {@link perform}'s switch; the single use (the `jti` claim row) and the
 * audit row are common to all.
 */
@Injectable()
export class ActionService {
  private readonly delegates = new Map<ActionPurpose, ActionDelegate>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: AppointmentEvents,
    private readonly audit: AuditService,
    private readonly assessments: AssessmentService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Hands a purpose to the module that owns it. */
  delegate(purpose: ActionPurpose, delegate: ActionDelegate): void {
    this.delegates.set(purpose, delegate);
  }

  async describe(token: string): Promise<ActionDescription> {
    const c = verifyActionToken(this.config.jwtSecret, token, this.clock.now());
    const delegate = this.delegates.get(c.purpose);
    if (delegate) return delegate.describe(c);
    const em = this.dataSource.manager;
    const appt = await em.findOne(Appointment, { where: { id: c.appointmentId } });
    if (!appt) throw notFound();
    const checkIn = c.purpose === 'check-in-answer' ? await this.checkInMessage(em, c) : null;
    const used = await em.exists(ActionTokenUse, { where: { jti: c.jti } });
    return {
      purpose: c.purpose,
      startsAt: appt.startsAt.toISOString(),
      expiresAt: new Date(c.exp * 1000).toISOString(),
      used,
      ...(checkIn ? { checkIn: { kind: checkIn.kind, form: checkInForm(checkIn.kind) } } : {}),
    };
  }

  /** Performs the action once; a second use is 409, a bad answer 400 with nothing written. */
  async perform(token: string, answer: ActionAnswer, requestId: string | null): Promise<ActionResult> {
    const c = verifyActionToken(this.config.jwtSecret, token, this.clock.now());
    const delegate = this.delegates.get(c.purpose);
    if (delegate) {
      await delegate.perform(c, requestId);
      return { purpose: c.purpose, done: true };
    }
    return inTransaction(this.dataSource, async (em) => {
      let result: ActionResult = { purpose: c.purpose, done: true };
      let appt: Appointment;
      switch (c.purpose) {
        case 'confirm-ride':
          onlyFields(answer, ['driverName', 'driverPhone']);
          await this.claim(em, c);
          appt = await this.lockBooked(em, c.appointmentId);
          await this.confirmRide(em, appt, answer);
          break;
        case 'confirm-attendance':
          onlyFields(answer, []);
          await this.claim(em, c);
          appt = await this.lockBooked(em, c.appointmentId);
          await this.confirmAttendance(em, appt);
          break;
        case 'check-in-answer': {
          const { message, appointment } = await this.checkInMessage(em, c);
          const parsed = validateCheckInAnswer(message.kind, answer);
          await this.claim(em, c);
          appt = appointment;
          result = await this.answerCheckIn(em, message, parsed, result);
          break;
        }
        default:
          throw notFound();
      }
      await this.audit.record(
        {
          actorId: null,
          actorRole: 'patient-link',
          action: `action.${c.purpose}`,
          resourceType: 'appointment',
          resourceId: appt.id,
          clinicId: appt.clinicId,
          patientId: appt.patientId,
          requestId,
          outcome: 'success',
        },
        em,
      );
      return result;
    });
  }

  /**
   * Records the token's single use, under its visit's clinic; a used `jti` is 409. A visit that no
   * longer exists leaves nothing to record and nothing to do (as {@link lockBooked} says).
   */
  private async claim(em: EntityManager, c: ActionClaims): Promise<void> {
    const claimed = (await em.query(
      `INSERT INTO action_token_use (jti, purpose, used_at, clinic_id)
       SELECT $1, $2, $3, a.clinic_id FROM appointment a WHERE a.id = $4
       ON CONFLICT (jti) DO NOTHING RETURNING jti`,
      [c.jti, c.purpose, new Date(this.clock.now()), c.appointmentId],
    )) as unknown[];
    if (claimed.length > 0) return;
    if (!(await em.exists(Appointment, { where: { id: c.appointmentId } }))) {
      throw new DomainError('invalid-state', 'The visit can no longer be changed');
    }
    throw new DomainError('conflict', 'This link was already used');
  }

  private async lockBooked(em: EntityManager, appointmentId: string): Promise<Appointment> {
    const appt = await em.findOne(Appointment, { where: { id: appointmentId }, lock: { mode: 'pessimistic_write' } });
    if (!appt || appt.status !== 'booked') {
      throw new DomainError('invalid-state', 'The visit can no longer be changed', { currentStatus: appt?.status });
    }
    return appt;
  }

  private async confirmRide(em: EntityManager, appt: Appointment, answer: ActionAnswer): Promise<void> {
    appt.rideStatus = 'confirmed';
    appt.rideDriverName = answer.driverName ?? null;
    appt.rideDriverPhone = answer.driverPhone ?? null;
    appt.flags = appt.flags.filter((f) => f !== 'ride-unconfirmed');
    const saved = await em.save(appt);
    await this.events.emit(em, [{ type: 'ride-updated', appointment: saved }]);
  }

  /**
   * The patient said they will come: a board flag, set with a plain UPDATE so the visit's version
   * (which its pending messages were planned for) does not move.
   */
  private async confirmAttendance(em: EntityManager, appt: Appointment): Promise<void> {
    if (appt.flags.includes(ATTENDANCE_CONFIRMED_FLAG)) return;
    await em.query(`UPDATE appointment SET flags = array_append(flags, $2) WHERE id = $1`, [appt.id, ATTENDANCE_CONFIRMED_FLAG]);
  }

  /** The check-in message a token answers, checked against every id the token carries. */
  private async checkInMessage(
    em: EntityManager,
    c: ActionClaims,
  ): Promise<{ message: Message & { kind: CheckInKind }; appointment: Appointment; kind: CheckInKind }> {
    if (!c.messageId || !c.patientId) throw notFound();
    const message = await em.findOne(Message, { where: { id: c.messageId, patientId: c.patientId, appointmentId: c.appointmentId } });
    const appointment = await em.findOne(Appointment, { where: { id: c.appointmentId } });
    if (!message || !appointment || !isCheckInKind(message.kind)) throw notFound();
    return { message: message as Message & { kind: CheckInKind }, appointment, kind: message.kind };
  }

  /**
   * Stores a check-in answer. A PHQ-9 becomes an assessment through the clinical service, so its
   * relapse signal (which offers a booster) and its item-9 escalation are exactly those of a
   * staff-entered one. A wellbeing answer reporting suicidal thoughts raises the same
   * escalation (urgent task + crisis resources).
   */
  private async answerCheckIn(
    em: EntityManager,
    message: Message & { kind: CheckInKind },
    answer: ReturnType<typeof validateCheckInAnswer>,
    result: ActionResult,
  ): Promise<ActionResult> {
    const base = {
      clinicId: message.clinicId,
      patientId: message.patientId,
      appointmentId: message.appointmentId as string,
      messageId: message.id,
      kind: message.kind,
      answeredAt: new Date(this.clock.now()),
    };
    let escalated: boolean;
    if (answer.form === 'phq9') {
      const view = await this.assessments.recordAssessment(em, {
        clinicId: message.clinicId,
        patientId: message.patientId,
        instrument: 'PHQ-9',
        answers: answer.phq9,
        source: 'check-in',
      });
      await em.insert(CheckInAnswer, { ...base, assessmentId: view.id });
      escalated = view.safetyTaskId !== undefined;
    } else {
      await em.insert(CheckInAnswer, {
        ...base,
        feeling: answer.feeling,
        sideEffects: answer.sideEffects,
        suicidalThoughts: answer.suicidalThoughts,
      });
      if (answer.suicidalThoughts) await this.assessments.escalate(em, message.clinicId, message.patientId);
      escalated = answer.suicidalThoughts;
    }
    return escalated ? { ...result, crisisResources: { call: '988', emergency: '911' } } : result;
  }
}

/** Refuses (400) answer fields the link's purpose does not take, rather than ignoring them. */
function onlyFields(answer: ActionAnswer, allowed: readonly string[]): void {
  const errors = Object.keys(answer)
    .filter((k) => (answer as Record<string, unknown>)[k] !== undefined && !allowed.includes(k))
    .map((k) => ({ path: `answer.${k}`, message: 'is not an answer of this link' }));
  if (errors.length > 0) throw new DomainError('validation', 'The answer does not fit this link', { errors });
}
