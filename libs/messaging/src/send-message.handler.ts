import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import type { Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { CLOCK, Clock, MessageChannel, MessageKind, localDateAndTime, renderMessage } from '@chairtime/domain';
import { JobHandler, JobName, JobPayloads } from '@chairtime/jobs';
import { Metrics } from '@chairtime/observability';
import { preparedQuery } from '@chairtime/persistence';
import { Message } from './entities';
import { issueActionToken } from './action-tokens';
import { messageActionUrl } from './message-links';
import { SmsAccount, sendSms } from './sms-client';
import { createMailTransport, sendEmail } from './email-client';
import { visitCalendar } from './visit-calendar';

/** Kinds whose email carries the visit's `.ics`: the booking and the reminders of that visit. */
const CALENDAR_KINDS = new Set(['booking-confirmation', 'reminder', 'final-reminder']);

/** Appointment statuses in which a pre-visit or follow-up message still makes sense. */
const LIVE = new Set(['booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged']);

/** The ledger key: one send per (visit|patient, kind, planned time, visit version). */
export function ledgerKey(m: Pick<Message, 'appointmentId' | 'patientId' | 'kind' | 'plannedAt' | 'appointmentVersion'>): string {
  return [m.appointmentId ?? m.patientId, m.kind, m.plannedAt.toISOString(), m.appointmentVersion ?? 0].join('|');
}

/**
 * Everything one send needs, in ONE round trip: the message, its visit (if any), the patient's
 * contact details and consent, and the clinic. Plain rows, not entities — this is the hot path
 * of dispatch, where hydration cost more than the query. Read without a lock: the write that
 * follows ({@link CLAIM_SQL}) re-checks the message under its row lock.
 */
const LOAD_SQL = `
  SELECT m.id, m.status, m.kind, m.channel, m.planned_at, m.send_at, m.patient_id,
         m.appointment_id, m.appointment_version, m.course_id,
         a.status AS visit_status, a.starts_at, a.ends_at, a.version AS visit_version,
         p.consent, p.phone, p.email, p.timezone AS patient_zone,
         c.name AS clinic_name, c.timezone AS clinic_zone
  FROM message m
  JOIN patient p ON p.id = m.patient_id
  JOIN clinic c ON c.id = m.clinic_id
  LEFT JOIN appointment a ON a.id = m.appointment_id
  WHERE m.id = $1`;

/**
 * Claims the send in one atomic statement: locks the message if it is still `scheduled` (a
 * supersede — reschedule, cancel — that committed meanwhile makes this a no-op, because the lock
 * re-reads the row), inserts the send-ledger row, and updates the message only when the ledger
 * row is its own — new, or left by an earlier attempt that died after claiming. $4 = true marks
 * it sent at once (the log channel: nothing to call); otherwise the provider is called after and
 * {@link SendMessageHandler.deliver} marks it sent. One row updated = the send is ours to make.
 */
const CLAIM_SQL = `
  WITH m AS (SELECT id FROM message WHERE id = $1 AND status = 'scheduled' FOR UPDATE),
       ins AS (INSERT INTO send_ledger (key, message_id) SELECT $2, id FROM m ON CONFLICT (key) DO NOTHING RETURNING message_id),
       owner AS (SELECT message_id FROM ins UNION ALL SELECT message_id FROM send_ledger WHERE key = $2 LIMIT 1)
  UPDATE message SET attempts = attempts + 1, rendered_body = $3,
         status = CASE WHEN $4 THEN 'sent' ELSE status END,
         sent_at = CASE WHEN $4 THEN $5::timestamptz ELSE sent_at END,
         provider_id = CASE WHEN $4 THEN 'log:' || $2 ELSE provider_id END
  WHERE id = (SELECT id FROM m) AND id = (SELECT message_id FROM owner)`;

interface SendRow {
  id: string;
  status: string;
  kind: string;
  channel: string;
  planned_at: Date;
  send_at: Date;
  patient_id: string;
  appointment_id: string | null;
  appointment_version: number | null;
  course_id: string | null;
  visit_status: string | null;
  starts_at: Date | null;
  ends_at: Date | null;
  visit_version: number | null;
  consent: Partial<Record<MessageChannel, boolean>> | null;
  phone: string | null;
  email: string | null;
  patient_zone: string | null;
  clinic_name: string;
  clinic_zone: string;
}

type Outcome = 'sent' | 'skipped' | 'superseded' | 'noop';

/** A provider call prepared inside the transaction and made after it commits. */
type ProviderSend =
  | { channel: 'sms'; key: string; to: string; body: string }
  | { channel: 'email'; key: string; to: string; subject: string; body: string; ics?: string };

interface SendResult {
  outcome: Outcome;
  channel: string;
  latenessMs: number;
  sendAtMs: number;
  provider?: ProviderSend;
}

const noop = (outcome: Outcome, channel: string): SendResult => ({ outcome, channel, latenessMs: 0, sendAtMs: 0 });

/**
 * Sends one message. Re-reads the message and its visit and claims it under a row lock: a
 * message no longer `scheduled` (superseded by a reschedule/cancel, or already sent by a
 * duplicate job) is left alone; a visit no longer live supersedes it. The `send_ledger` row is
 * inserted before the provider call — a duplicate (another job id, a retry) finds the key taken
 * and sends nothing.
 *
 * SMS goes to the configured provider (Twilio shape) and email to the SMTP server, both after
 * the ledger commits; without a transport (or an address) the `log` channel records the SMS-safe
 * body on the row in the same atomic statement that writes the ledger.
 */
@Injectable()
export class SendMessageHandler implements JobHandler<JobName.SendMessage>, OnModuleDestroy {
  readonly jobName = JobName.SendMessage;
  private readonly logger = new Logger(SendMessageHandler.name);
  /** One SMTP transport per worker, created on first use. */
  private mailer: Transporter | null = null;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  onModuleDestroy(): void {
    this.mailer?.close();
  }

  async handle(payload: JobPayloads[JobName.SendMessage]): Promise<void> {
    let result = await this.send(payload.messageId);
    if (result.provider) result = await this.deliver(payload.messageId, result.provider, result);
    if (result.outcome === 'noop') return;
    this.metrics?.messagesSent.inc({ channel: result.channel, outcome: result.outcome });
    if (result.outcome === 'sent') this.metrics?.messageLateness.observe({ channel: result.channel }, result.latenessMs / 1000);
    // Debug, not info: one line per message was a measurable share of dispatch CPU; the counters
    // above and the message row are the record.
    this.logger.debug({ messageId: payload.messageId, outcome: result.outcome }, 'message processed');
  }

  /**
   * The provider call, after the ledger row committed. A crash or error here leaves the message
   * `scheduled` with its ledger row: the BullMQ retry comes back through {@link send}, finds the
   * ledger row is its own and calls again with the same idempotency key.
   */
  private async deliver(messageId: string, p: ProviderSend, r: SendResult): Promise<SendResult> {
    const providerId =
      p.channel === 'sms'
        ? (await sendSms(this.config.sms as SmsAccount, { to: p.to, body: p.body, idempotencyKey: p.key })) || p.key
        : await sendEmail(this.mailTransport(), { to: p.to, subject: p.subject, body: p.body, idempotencyKey: p.key, ics: p.ics });
    const now = this.clock.now();
    await this.dataSource.query(
      `UPDATE message SET status = 'sent', sent_at = $2, provider_id = $3 WHERE id = $1 AND status = 'scheduled'`,
      [messageId, new Date(now), providerId],
    );
    return { outcome: 'sent', channel: r.channel, latenessMs: now - r.sendAtMs, sendAtMs: r.sendAtMs };
  }

  private mailTransport(): Transporter {
    this.mailer ??= createMailTransport({ smtpUrl: this.config.smtpUrl as string, from: this.config.smtpFrom });
    return this.mailer;
  }

  /**
   * The claim link of a waitlist offer's message, valid until the offer expires; null when the
   * offer was claimed, lost or expired meanwhile (the message would announce a time that is gone).
   */
  private async offerLink(messageId: string): Promise<string | null> {
    const [offer] = (await this.dataSource.query(
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

  /**
   * Two statements, no explicit transaction: load, then claim ({@link CLAIM_SQL}). Skips are
   * single guarded updates. The row lock and the ledger's unique key keep every guarantee of a
   * locked transaction at a third of the round trips. Both run as prepared statements: the
   * Postgres side of a send was mostly parsing and planning them again for every message.
   */
  private async send(messageId: string): Promise<SendResult> {
    const [msg] = (await preparedQuery<SendRow>(this.dataSource, 'send-message-load', LOAD_SQL, [messageId])).rows;
    if (!msg || msg.status !== 'scheduled') return noop('noop', msg?.channel ?? 'log');
    if (msg.appointment_id && (msg.visit_status === null || !LIVE.has(msg.visit_status))) {
      return this.close(msg, 'superseded', null);
    }
    if (msg.consent?.[msg.channel as MessageChannel] !== true) return this.close(msg, 'skipped', 'no-consent');
    const offerUrl = msg.kind === 'waitlist-offer' ? await this.offerLink(msg.id) : undefined;
    if (offerUrl === null) return this.close(msg, 'superseded', null);
    const key = ledgerKey({
      appointmentId: msg.appointment_id,
      patientId: msg.patient_id,
      kind: msg.kind,
      plannedAt: msg.planned_at,
      appointmentVersion: msg.appointment_version,
    });

    const appt = msg.appointment_id && msg.starts_at ? { id: msg.appointment_id, startsAt: msg.starts_at } : null;
    const zone = msg.patient_zone ?? msg.clinic_zone;
    const at = appt ? appt.startsAt.getTime() : msg.planned_at.getTime();
    const actionPath =
      offerUrl ??
      messageActionUrl(
        this.config.jwtSecret,
        { id: msg.id, kind: msg.kind, patientId: msg.patient_id, courseId: msg.course_id },
        appt,
        this.clock.now(),
      );
    // The patient taps the link on a phone: it must be absolute, on the API's public address.
    const actionUrl = actionPath && `${this.config.publicBaseUrl.replace(/\/+$/, '')}${actionPath}`;
    const transport = this.transportFor(msg);
    const rendered = renderMessage(
      msg.kind as MessageKind,
      { clinicName: msg.clinic_name, ...localDateAndTime(at, zone), actionUrl },
      transport === 'email' ? 'email' : 'sms',
    );
    const sendAtMs = msg.send_at.getTime();
    // The log channel (no transport configured, or no address) records what would be sent.
    const now = this.clock.now();
    const { rowCount: claimed } = await preparedQuery(this.dataSource, 'send-message-claim', CLAIM_SQL, [
      msg.id,
      key,
      rendered.body,
      transport === 'log',
      new Date(now),
    ]);
    if (claimed === 0) return noop('noop', msg.channel);
    if (transport === 'log') return { outcome: 'sent', channel: msg.channel, latenessMs: now - sendAtMs, sendAtMs };
    const provider: ProviderSend =
      transport === 'sms'
        ? { channel: 'sms', key, to: msg.phone as string, body: rendered.body }
        : {
            channel: 'email',
            key,
            to: msg.email as string,
            subject: rendered.subject ?? '',
            body: rendered.body,
            ics: this.calendarFor(msg),
          };
    return { outcome: 'sent', channel: msg.channel, latenessMs: 0, sendAtMs, provider };
  }

  /** Ends a message without sending; a no-op when something else already moved it on. */
  private async close(msg: SendRow, status: 'superseded' | 'skipped', reason: string | null): Promise<SendResult> {
    const [, changed] = (await this.dataSource.query(
      `UPDATE message SET status = $2, skip_reason = COALESCE($3, skip_reason) WHERE id = $1 AND status = 'scheduled'`,
      [msg.id, status, reason],
    )) as [unknown[], number];
    return noop(changed ? status : 'noop', msg.channel);
  }

  /** Which transport carries the message: its channel's provider when configured and addressable. */
  private transportFor(msg: SendRow): 'sms' | 'email' | 'log' {
    if (msg.channel === 'sms' && this.config.sms && msg.phone) return 'sms';
    if (msg.channel === 'email' && this.config.smtpUrl && msg.email) return 'email';
    return 'log';
  }

  private calendarFor(msg: SendRow): string | undefined {
    if (!CALENDAR_KINDS.has(msg.kind) || !msg.appointment_id || !msg.starts_at || !msg.ends_at) return undefined;
    return visitCalendar({
      appointmentId: msg.appointment_id,
      version: msg.visit_version ?? 0,
      startsAt: msg.starts_at,
      endsAt: msg.ends_at,
      clinicName: msg.clinic_name,
      zone: msg.clinic_zone,
      stamp: new Date(this.clock.now()),
    });
  }
}
