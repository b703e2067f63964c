import { Inject, Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Transporter } from 'nodemailer';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import {
  afterSendFailure,
  CLOCK,
  Clock,
  MessageChannel,
  MessageKind,
  localDateAndTime,
  patientQuietWindow,
  renderMessage,
  sendTimeDecision,
} from '@chairtime/domain';
import { Coalescer, JobHandler, JobName, JobPayloads } from '@chairtime/jobs';
import { TaskService } from '@chairtime/clinical';
import { Metrics } from '@chairtime/observability';
import { Message } from './entities';
import { messageActionUrl } from './message-links';
import { MessageLinks } from './message-links.registry';
import { ProviderError, SmsAccount, sendSms } from './sms-client';
import { SEND_LEASE_MS, deferSend, endClaimed, releaseClaim } from './send-endings';
import { createMailTransport, sendEmail } from './email-client';
import { visitCalendar } from './visit-calendar';
import { Claim, SendRow, claimSend, claimSends, loadSend, loadSends } from './send-statements';

/** Kinds whose email carries the visit's `.ics`: the booking and the reminders of that visit. */
const CALENDAR_KINDS = new Set(['booking-confirmation', 'reminder', 'final-reminder']);

/** Appointment statuses in which a pre-visit or follow-up message still makes sense. */
const LIVE = new Set(['booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged']);

/** The ledger key: one send per (visit|patient, kind, planned time, visit version). */
export function ledgerKey(m: Pick<Message, 'appointmentId' | 'patientId' | 'kind' | 'plannedAt' | 'appointmentVersion'>): string {
  return [m.appointmentId ?? m.patientId, m.kind, m.plannedAt.toISOString(), m.appointmentVersion ?? 0].join('|');
}

type Outcome = 'sent' | 'skipped' | 'superseded' | 'expired' | 'failed' | 'unconfirmed' | 'deferred' | 'noop';

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
  /** The claimed message, for ending it when the provider call fails. */
  row?: SendRow;
}

const noop = (outcome: Outcome, channel: string): SendResult => ({ outcome, channel, latenessMs: 0, sendAtMs: 0 });

/** A message rendered and ready to claim, with what its provider call needs. */
interface PreparedSend {
  msg: SendRow;
  claim: Claim;
  transport: 'sms' | 'email' | 'log';
  subject?: string;
  sendAtMs: number;
}

const isPrepared = (x: SendResult | PreparedSend): x is PreparedSend => 'claim' in x;

/** A promise's outcome as a value, so one message's failure does not end its batch. */
const settle = <T>(p: Promise<T>): Promise<PromiseSettledResult<T>> =>
  p.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );

/** Most messages one batch carries; the worker's message concurrency bounds it first. */
const MAX_BATCH = 200;

/**
 * Sends one message per job. Re-reads the message and its visit and claims it under a row lock: a
 * message no longer `scheduled` (superseded by a reschedule/cancel, or already sent by a
 * duplicate job) is left alone; one at or past its not-after is `expired`; a visit no longer live
 * supersedes it; quiet hours (checked again now) defer it. The `send_ledger` row is inserted and
 * the message moved to `sending` before the provider call — a duplicate (another job id, a retry)
 * finds the key taken and sends nothing, and a cancel after the claim leaves it alone. A failed
 * call is retried while attempts and time before not-after remain; otherwise the message ends
 * `failed` or `expired` (README "Every message ends").
 *
 * SMS goes to the configured provider (Twilio shape) and email to the SMTP server, both after
 * the ledger commits; without a transport (or an address) the `log` channel records the SMS-safe
 * body on the row in the same atomic statement that writes the ledger.
 *
 * The jobs active at the same time (up to the worker's message concurrency) share their database
 * work: one load and one claim statement per batch ({@link Coalescer}); each job still ends on
 * its own — its own outcome, provider call, retry and metrics.
 */
@Injectable()
export class SendMessageHandler implements JobHandler<JobName.SendMessage>, OnModuleDestroy {
  readonly jobName = JobName.SendMessage;
  private readonly logger = new Logger(SendMessageHandler.name);
  /** One SMTP transport per worker, created on first use. */
  private mailer: Transporter | null = null;
  /** Gathers the message ids of the jobs active at the same time into one load and one claim. */
  private readonly sends = new Coalescer<string, SendResult>((ids) => this.sendBatch(ids), { maxBatch: MAX_BATCH, maxInFlight: 1 });

  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly links: MessageLinks,
    // Optional only for tests that build the handler by hand; the worker always injects it.
    @Optional() private readonly tasks?: TaskService,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  onModuleDestroy(): void {
    this.mailer?.close();
  }

  async handle(payload: JobPayloads[JobName.SendMessage], job?: Job): Promise<void> {
    let result = await this.sends.submit(payload.messageId);
    if (result.provider) result = await this.deliver(payload.messageId, result.provider, result, job);
    if (result.outcome === 'noop') return;
    this.metrics?.messagesSent.inc({ channel: result.channel, outcome: result.outcome });
    if (result.outcome === 'sent') this.metrics?.messageLateness.observe({ channel: result.channel }, result.latenessMs / 1000);
    // Debug, not info: one line per message was a measurable share of dispatch CPU; the counters
    // above and the message row are the record.
    this.logger.debug({ messageId: payload.messageId, outcome: result.outcome }, 'message processed');
  }

  /**
   * The provider call, after the claim (`sending` + ledger row) committed, then `sent` with the
   * provider's id. A failure ends the message or hands it back for a retry ({@link failed}). A
   * crash here leaves it `sending`: the next attempt finds the claim and, once the claim is older
   * than {@link SEND_LEASE_MS}, records the send as unconfirmed rather than call again.
   */
  private async deliver(messageId: string, p: ProviderSend, r: SendResult, job?: Job): Promise<SendResult> {
    let providerId: string;
    try {
      providerId =
        p.channel === 'sms'
          ? (await sendSms(this.config.sms as SmsAccount, { to: p.to, body: p.body, idempotencyKey: p.key })) || p.key
          : await sendEmail(this.mailTransport(), { to: p.to, subject: p.subject, body: p.body, idempotencyKey: p.key, ics: p.ics });
    } catch (e) {
      return this.failed(r, e, job);
    }
    const now = this.clock.now();
    await this.dataSource.query(
      `UPDATE message SET status = 'sent', sent_at = $2, provider_id = $3, error = NULL WHERE id = $1 AND status = 'sending'`,
      [messageId, new Date(now), providerId],
    );
    return { outcome: 'sent', channel: r.channel, latenessMs: now - r.sendAtMs, sendAtMs: r.sendAtMs };
  }

  /**
   * A provider call that did not deliver. No answer (`unknown`): recorded `sent` with the error and
   * never called again (Twilio takes no idempotency key: a retry could send twice). Otherwise
   * {@link afterSendFailure} decides: retried (the claim released, the error rethrown for BullMQ's
   * backoff) while an attempt remains that would run before not-after; else `failed` (permanent
   * error, attempts spent) or `expired` (the retry would be late). Ending it returns normally, so
   * the dispatcher closes the outbox row and the reconciler never revives the job.
   */
  private async failed(r: SendResult, e: unknown, job?: Job): Promise<SendResult> {
    const row = r.row as SendRow;
    const err = e instanceof ProviderError ? e : new ProviderError('transient', 'error');
    const now = this.clock.now();
    const end = (to: 'failed' | 'expired' | 'unconfirmed'): Promise<SendResult> =>
      endClaimed(this.dataSource, this.tasks, row, to, err.code, new Date(now)).then((changed) => noop(changed ? to : 'noop', r.channel));
    if (err.kind === 'unknown') return end('unconfirmed');
    const attempts = job?.opts.attempts ?? 1;
    const made = (job?.attemptsMade ?? 0) + 1;
    const backoff = job?.opts.backoff;
    const delay = typeof backoff === 'number' ? backoff : (backoff?.delay ?? 0);
    const outcome = afterSendFailure({
      permanent: err.kind === 'permanent',
      attemptsLeft: attempts - made,
      now,
      // BullMQ's exponential backoff: delay × 2^(attempts made − 1).
      nextDelayMs: typeof backoff === 'object' && backoff.type === 'exponential' ? delay * 2 ** (made - 1) : delay,
      notAfter: row.not_after.getTime(),
    });
    if (outcome !== 'retry') return end(outcome);
    await releaseClaim(this.dataSource, row.id, err.code);
    throw err;
  }

  private mailTransport(): Transporter {
    this.mailer ??= createMailTransport({ smtpUrl: this.config.smtpUrl as string, from: this.config.smtpFrom });
    return this.mailer;
  }

  /**
   * Sends the messages of the jobs active at the same time: ONE load statement for all of them,
   * then ONE claim statement ({@link claimSends}) for those to send — each message claimed on its
   * own terms, with the same row lock and ledger key as a claim alone. A message the batch cannot
   * handle alone ends alone: a rendering error fails only its job, and when a batch statement
   * fails (one message's bad id or data, the database) every message is sent again on its own
   * ({@link send}), so a failure stays with the message it belongs to. Duplicate ids (two jobs
   * for one message) are sent once; the other job finds nothing to do, as it would a moment later.
   */
  private async sendBatch(ids: string[]): Promise<PromiseSettledResult<SendResult>[]> {
    const unique = [...new Set(ids)];
    let results: Map<string, PromiseSettledResult<SendResult>>;
    try {
      results = await this.sendMany(unique);
    } catch {
      results = new Map(await Promise.all(unique.map(async (id) => [id, await settle(this.send(id))] as const)));
    }
    const answered = new Set<string>();
    return ids.map((id) => {
      if (answered.has(id)) return { status: 'fulfilled', value: noop('noop', 'log') };
      answered.add(id);
      return results.get(id) ?? { status: 'rejected', reason: new Error(`no send result for message ${id}`) };
    });
  }

  private async sendMany(ids: string[]): Promise<Map<string, PromiseSettledResult<SendResult>>> {
    if (ids.length === 1) return new Map([[ids[0], await settle(this.send(ids[0]))]]);
    const rows = await loadSends(this.dataSource, ids);
    const plans = await Promise.all(ids.map((id) => settle(this.prepare(rows.get(id)))));
    const results = new Map<string, PromiseSettledResult<SendResult>>();
    const ready: PreparedSend[] = [];
    ids.forEach((id, i) => {
      const p = plans[i];
      if (p.status === 'fulfilled' && isPrepared(p.value)) ready.push(p.value);
      else results.set(id, p as PromiseSettledResult<SendResult>);
    });
    if (ready.length === 0) return results;
    const now = this.clock.now();
    const outcomes = await claimSends(
      this.dataSource,
      ready.map((p) => p.claim),
      new Date(now),
    );
    await Promise.all(
      ready.map(async (p) => {
        const o = outcomes.get(p.claim.id);
        // Locked by the batch: its claim stands. Not locked (another transaction held the row, and
        // the batch skips locked rows): claim it alone, waiting for that lock.
        if (o?.locked) results.set(p.claim.id, { status: 'fulfilled', value: this.claimed(p, o.claimed, now) });
        else results.set(p.claim.id, await settle(this.claimAlone(p)));
      }),
    );
    return results;
  }

  /**
   * One message alone: load, then claim — two statements, no explicit transaction. The row lock
   * and the ledger's unique key keep every guarantee of a locked transaction.
   */
  private async send(messageId: string): Promise<SendResult> {
    const p = await this.prepare(await loadSend(this.dataSource, messageId));
    return isPrepared(p) ? this.claimAlone(p) : p;
  }

  private async claimAlone(p: PreparedSend): Promise<SendResult> {
    const now = this.clock.now();
    return this.claimed(p, await claimSend(this.dataSource, p.claim, new Date(now)), now);
  }

  /** What a claim means: nothing (someone else's send), sent (log channel), or a provider call to make. */
  private claimed(p: PreparedSend, claimed: boolean, now: number): SendResult {
    const { msg, claim, transport, subject, sendAtMs } = p;
    if (!claimed) return noop('noop', msg.channel);
    if (transport === 'log') return { outcome: 'sent', channel: msg.channel, latenessMs: now - sendAtMs, sendAtMs };
    const provider: ProviderSend =
      transport === 'sms'
        ? { channel: 'sms', key: claim.key, to: msg.phone as string, body: claim.body }
        : {
            channel: 'email',
            key: claim.key,
            to: msg.email as string,
            subject: subject ?? '',
            body: claim.body,
            ics: this.calendarFor(msg),
          };
    return { outcome: 'sent', channel: msg.channel, latenessMs: 0, sendAtMs, provider, row: msg };
  }

  /**
   * Decides a loaded message: nothing to do (gone, no longer `scheduled`), ended without sending
   * (a visit no longer live supersedes it; no consent skips it), or rendered and ready to claim.
   */
  private async prepare(msg: SendRow | undefined): Promise<SendResult | PreparedSend> {
    if (msg?.status === 'sending') return this.claimedElsewhere(msg);
    if (!msg || msg.status !== 'scheduled') return noop('noop', msg?.channel ?? 'log');
    const now = this.clock.now();
    const notAfter = msg.not_after.getTime();
    if (now >= notAfter) return this.close(msg, 'expired', 'not-after');
    if (msg.appointment_id && (msg.visit_status === null || !LIVE.has(msg.visit_status))) {
      return this.close(msg, 'superseded', null);
    }
    if (msg.consent?.[msg.channel as MessageChannel] !== true) return this.close(msg, 'skipped', 'no-consent');
    // Quiet hours again, on the patient's clock as it is now: a job that ran late, or a zone or
    // setting changed since planning, must not wake the patient. A job early by a worker's clock
    // running behind is judged at its send time (it goes out then, as far as the patient sees).
    const quiet = patientQuietWindow({ timezone: msg.clinic_zone, settings: msg.clinic_settings }, { timezone: msg.patient_zone });
    const due = sendTimeDecision(msg.kind as MessageKind, Math.max(now, msg.send_at.getTime()), notAfter, quiet);
    if (due.action === 'skip-quiet') return this.close(msg, 'skipped', 'quiet-hours');
    if (due.action === 'defer') {
      return noop((await deferSend(this.dataSource, msg, due.until)) ? 'deferred' : 'noop', msg.channel);
    }
    // A kind whose link another module issues (a waitlist offer's claim link): null means what the
    // message offers is gone.
    const ownedUrl = await this.links.link(msg.kind as MessageKind, msg.id, this.clock.now());
    if (ownedUrl === null) return this.close(msg, 'superseded', null);
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
      ownedUrl ??
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
    // The log channel (no transport configured, or no address) records what would be sent.
    return {
      msg,
      claim: { id: msg.id, key, body: rendered.body, logged: transport === 'log' },
      transport,
      subject: rendered.subject,
      sendAtMs: msg.send_at.getTime(),
    };
  }

  /**
   * A message another attempt claimed. Within the lease that attempt may still be calling the
   * provider: this one is retried later. Past it, the attempt died mid-call and what the patient
   * got is unknown — recorded `sent` with `attempt-lost`, never sent again (as a timeout).
   */
  private async claimedElsewhere(msg: SendRow): Promise<SendResult> {
    const now = this.clock.now();
    if (msg.claimed_at && now - msg.claimed_at.getTime() < SEND_LEASE_MS) {
      throw new Error(`message ${msg.id} is being sent by another attempt`);
    }
    const changed = await endClaimed(this.dataSource, this.tasks, msg, 'unconfirmed', 'attempt-lost', new Date(now));
    return noop(changed ? 'unconfirmed' : 'noop', msg.channel);
  }

  /** Ends a message without sending; a no-op when something else already moved it on. */
  private async close(msg: SendRow, status: 'superseded' | 'skipped' | 'expired', reason: string | null): Promise<SendResult> {
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
