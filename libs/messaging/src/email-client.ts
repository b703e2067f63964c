import { createHash } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';
import { ProviderError } from './sms-client';

/** SMTP settings (`AppConfig.smtpUrl` / `smtpFrom`). */
export interface EmailAccount {
  smtpUrl: string;
  from: string;
}

/** One email as the send handler prepared it; `ics` is the visit's calendar entry, if any. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  body: string;
  idempotencyKey: string;
  ics?: string;
}

/**
 * The Message-ID of a send: derived from the ledger key, so a retry after a crash mid-call
 * carries the same id and receiving systems (and our logs) see one message, not two. Hashed
 * because ledger keys hold characters a msg-id may not, and so the id reveals nothing.
 */
export function emailMessageId(idempotencyKey: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}@chairtime>`;
}

/** An SMTP transport for `SMTP_URL` (`smtp://` or `smtps://`, credentials in the URL). */
export function createMailTransport(account: EmailAccount): Transporter {
  return createTransport(account.smtpUrl, { from: account.from });
}

/**
 * Sends one email over SMTP with the visit's `.ics` attached (a file, not an inline invitation:
 * patients add it to whichever calendar they use). Returns the Message-ID. The SMTP error text is
 * not rethrown: servers echo recipient addresses in their replies.
 */
export async function sendEmail(transport: Transporter, msg: OutgoingEmail): Promise<string> {
  const messageId = emailMessageId(msg.idempotencyKey);
  try {
    await transport.sendMail({
      to: msg.to,
      subject: msg.subject,
      text: msg.body,
      messageId,
      attachments: msg.ics
        ? [{ filename: 'visit.ics', content: msg.ics, contentType: 'text/calendar; charset=utf-8; method=PUBLISH' }]
        : undefined,
    });
  } catch (e) {
    const responseCode = (e as { responseCode?: number }).responseCode;
    const code = responseCode ?? (e as { code?: string }).code ?? 'error';
    // A 5xx reply refuses this message for good; anything else (4xx, connection trouble) is tried
    // again — safe with SMTP, whose retries carry the same Message-ID for the recipient to dedupe.
    // No `cause`: it would carry the server's reply (with the address) into job failure records.
    throw new ProviderError(responseCode !== undefined && responseCode >= 500 ? 'permanent' : 'transient', `smtp-${code}`);
  }
  return messageId;
}
