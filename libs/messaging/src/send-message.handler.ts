import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { CLOCK, Clock, MessageChannel, MessageKind, localDateAndTime, renderMessage } from '@chairtime/domain';
import { JobHandler, JobName, JobPayloads } from '@chairtime/jobs';
import { inTransaction } from '@chairtime/persistence';
import { Metrics } from '@chairtime/observability';
import { Appointment, Clinic } from '@chairtime/scheduling/entities';
import { Patient } from '@chairtime/clinical/entities';
import { Message } from './entities';
import { issueActionToken } from './action-tokens';
import { SmsAccount, sendSms } from './sms-client';

/** Kinds whose message carries a one-tap "my ride is confirmed" link. */
const RIDE_KINDS = new Set(['ride-request', 'ride-second-request']);

/** Appointment statuses in which a pre-visit or follow-up message still makes sense. */
const LIVE = new Set(['booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged']);

/** The ledger key: one send per (visit|patient, kind, planned time, visit version). */
export function ledgerKey(m: Pick<Message, 'appointmentId' | 'patientId' | 'kind' | 'plannedAt' | 'appointmentVersion'>): string {
  return [m.appointmentId ?? m.patientId, m.kind, m.plannedAt.toISOString(), m.appointmentVersion ?? 0].join('|');
}

type Outcome = 'sent' | 'skipped' | 'superseded' | 'noop';

/** A provider call prepared inside the transaction and made after it commits. */
interface ProviderSend {
  to: string;
  body: string;
  key: string;
}

interface SendResult {
  outcome: Outcome;
  channel: string;
  latenessMs: number;
  sendAtMs: number;
  provider?: ProviderSend;
}

/**
 * Sends one message. Re-reads the message and its visit under a row lock: a message that is no
 * longer `scheduled` (superseded by a reschedule/cancel, or already sent by a duplicate job) is
 * left alone; a visit no longer live supersedes it. The `send_ledger` row is inserted before the
 * provider call — a duplicate (another job id, a retry) finds the key taken and sends nothing.
 *
 * SMS goes to the configured provider (Twilio shape) after the ledger commits; everything else
 * (no provider configured, email for now) uses the `log` channel: the SMS-safe body is recorded
 * on the row and the whole send is one transaction.
 */
@Injectable()
export class SendMessageHandler implements JobHandler<JobName.SendMessage> {
  readonly jobName = JobName.SendMessage;
  private readonly logger = new Logger(SendMessageHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  async handle(payload: JobPayloads[JobName.SendMessage]): Promise<void> {
    let result = await inTransaction(this.dataSource, (em) => this.send(em, payload.messageId));
    if (result.provider) result = await this.deliver(payload.messageId, result.provider, result);
    if (result.outcome === 'noop') return;
    this.metrics?.messagesSent.inc({ channel: result.channel, outcome: result.outcome });
    if (result.outcome === 'sent') this.metrics?.messageLateness.observe({ channel: result.channel }, result.latenessMs / 1000);
    this.logger.log({ messageId: payload.messageId, outcome: result.outcome }, 'message processed');
  }

  /**
   * The provider call, after the ledger row committed. A crash or error here leaves the message
   * `scheduled` with its ledger row: the BullMQ retry comes back through {@link send}, finds the
   * ledger row is its own and calls again with the same idempotency key.
   */
  private async deliver(messageId: string, p: ProviderSend, r: SendResult): Promise<SendResult> {
    const sms = this.config.sms as SmsAccount;
    const sid = await sendSms(sms, { to: p.to, body: p.body, idempotencyKey: p.key });
    const now = this.clock.now();
    await this.dataSource.manager.update(
      Message,
      { id: messageId, status: 'scheduled' },
      { status: 'sent', sentAt: new Date(now), providerId: sid || p.key },
    );
    return { outcome: 'sent', channel: r.channel, latenessMs: now - r.sendAtMs, sendAtMs: r.sendAtMs };
  }

  /**
   * The claim link of a waitlist offer's message, valid until the offer expires; null when the
   * offer was claimed, lost or expired meanwhile (the message would announce a time that is gone).
   */
  private async offerLink(em: EntityManager, messageId: string): Promise<string | null> {
    const [offer] = (await em.query(
      `SELECT id, appointment_id, expires_at FROM waitlist_offer WHERE message_id = $1 AND status = 'offered' AND expires_at > $2`,
      [messageId, new Date(this.clock.now())],
    )) as { id: string; appointment_id: string; expires_at: Date }[];
    if (!offer) return null;
    const exp = Math.floor(offer.expires_at.getTime() / 1000);
    const token = issueActionToken(this.config.jwtSecret, {
      purpose: 'claim-waitlist-offer',
      appointmentId: offer.appointment_id,
      offerId: offer.id,
      exp,
    });
    return `/v1/actions/${token}`;
  }

  private async send(em: EntityManager, messageId: string): Promise<SendResult> {
    const msg = await em.findOne(Message, { where: { id: messageId }, lock: { mode: 'pessimistic_write' } });
    if (!msg || msg.status !== 'scheduled') return { outcome: 'noop', channel: msg?.channel ?? 'log', latenessMs: 0, sendAtMs: 0 };
    const appt = msg.appointmentId ? await em.findOne(Appointment, { where: { id: msg.appointmentId } }) : null;
    if (msg.appointmentId && (!appt || !LIVE.has(appt.status))) {
      await em.update(Message, { id: msg.id }, { status: 'superseded' });
      return { outcome: 'superseded', channel: msg.channel, latenessMs: 0, sendAtMs: 0 };
    }
    const patient = await em.findOneOrFail(Patient, { where: { id: msg.patientId } });
    if (patient.consent?.[msg.channel as MessageChannel] !== true) {
      await em.update(Message, { id: msg.id }, { status: 'skipped', skipReason: 'no-consent' });
      return { outcome: 'skipped', channel: msg.channel, latenessMs: 0, sendAtMs: 0 };
    }
    const offerUrl = msg.kind === 'waitlist-offer' ? await this.offerLink(em, msg.id) : undefined;
    if (offerUrl === null) {
      await em.update(Message, { id: msg.id }, { status: 'superseded' });
      return { outcome: 'superseded', channel: msg.channel, latenessMs: 0, sendAtMs: 0 };
    }
    const key = ledgerKey(msg);
    const inserted = (await em.query(
      `INSERT INTO send_ledger (key, message_id) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key`,
      [key, msg.id],
    )) as unknown[];
    if (inserted.length === 0) {
      // Our own row means an earlier attempt died after committing it: call the provider again
      // (same idempotency key). Another message's row means this send already happened.
      const [owner] = (await em.query(`SELECT message_id FROM send_ledger WHERE key = $1`, [key])) as { message_id: string }[];
      if (owner?.message_id !== msg.id) return { outcome: 'noop', channel: msg.channel, latenessMs: 0, sendAtMs: 0 };
    }
    const clinic = await em.findOneOrFail(Clinic, { where: { id: msg.clinicId } });
    const zone = patient.timezone ?? clinic.timezone;
    const at = appt ? appt.startsAt.getTime() : msg.plannedAt.getTime();
    const actionUrl =
      offerUrl ??
      (appt && RIDE_KINDS.has(msg.kind)
        ? `/v1/actions/${issueActionToken(this.config.jwtSecret, { purpose: 'confirm-ride', appointmentId: appt.id, exp: Math.floor(at / 1000) })}`
        : undefined);
    const rendered = renderMessage(msg.kind as MessageKind, { clinicName: clinic.name, ...localDateAndTime(at, zone), actionUrl }, 'sms');
    const sendAtMs = msg.sendAt.getTime();
    if (msg.channel === 'sms' && this.config.sms && patient.phone) {
      await em.update(Message, { id: msg.id }, { attempts: msg.attempts + 1, renderedBody: rendered.body });
      return { outcome: 'sent', channel: msg.channel, latenessMs: 0, sendAtMs, provider: { to: patient.phone, body: rendered.body, key } };
    }
    // The log channel (no provider configured, or email until its adapter exists): what would be sent.
    const now = this.clock.now();
    await em.update(
      Message,
      { id: msg.id },
      { status: 'sent', sentAt: new Date(now), attempts: msg.attempts + 1, providerId: `log:${key}`, renderedBody: rendered.body },
    );
    return { outcome: 'sent', channel: msg.channel, latenessMs: now - sendAtMs, sendAtMs };
  }
}
