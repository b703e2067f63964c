import { createHmac, timingSafeEqual } from 'node:crypto';

/** Twilio-compatible account settings (`AppConfig.sms`). */
export interface SmsAccount {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
  /** How long a send may take before its outcome counts as unknown (`SMS_TIMEOUT_MS`). */
  timeoutMs?: number;
}

/** Default of {@link SmsAccount.timeoutMs}. */
export const SMS_TIMEOUT_MS = 10_000;

/**
 * Why a provider call did not deliver, as the send handler needs to know it. `kind`:
 * - `transient`: the provider did not take the message (5xx, 429, connection refused): retry;
 * - `permanent`: it refused this message for good (a 4xx: bad number, opted out): never retry;
 * - `unknown`: no answer (timeout, connection lost after the request went out): it may have been
 *   sent, and Twilio's Messages API takes no idempotency key, so a retry could send it twice.
 * The message is a code and a status only: provider texts can echo the phone number.
 */
export class ProviderError extends Error {
  constructor(
    readonly kind: 'transient' | 'permanent' | 'unknown',
    readonly code: string,
  ) {
    super(`provider ${kind}: ${code}`);
  }
}

/** Network failures that happen before a request can reach the provider: nothing was sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * Sends one SMS speaking Twilio's REST shape over fetch: form body To/From/Body, basic auth.
 * Twilio's Messages API honours no idempotency key (its `I-Twilio-Idempotency-Token` header is
 * one Twilio sends on its webhooks, not one it reads); the ledger key is sent in it anyway, for a
 * provider or proxy that does dedupe by it. Our own send ledger is what prevents a second send.
 * Returns the provider's message sid; throws {@link ProviderError}.
 */
export async function sendSms(account: SmsAccount, msg: { to: string; body: string; idempotencyKey: string }): Promise<string> {
  const url = `${account.baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}/Messages.json`;
  let res: Response;
  let json: { sid?: string };
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        'I-Twilio-Idempotency-Token': msg.idempotencyKey,
      },
      body: new URLSearchParams({ To: msg.to, From: account.from, Body: msg.body }).toString(),
      signal: AbortSignal.timeout(account.timeoutMs ?? SMS_TIMEOUT_MS),
    });
    // The error text is not logged or rethrown verbatim: provider errors can echo the phone number.
    if (res.status === 429 || res.status >= 500) throw new ProviderError('transient', `http-${res.status}`);
    if (!res.ok) throw new ProviderError('permanent', `http-${res.status}`);
    json = (await res.json().catch(() => ({}))) as { sid?: string };
  } catch (e) {
    if (e instanceof ProviderError) throw e;
    const err = e as { name?: string; cause?: { code?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') throw new ProviderError('unknown', 'timeout');
    const code = err.cause?.code ?? 'network';
    throw new ProviderError(NOT_SENT_CODES.has(code) ? 'transient' : 'unknown', code);
  }
  return json.sid ?? '';
}

/**
 * Twilio's webhook signature: base64 HMAC-SHA1, keyed by the auth token, of the full URL followed
 * by every POST parameter name and value, sorted by name.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac('sha1', authToken).update(data).digest('base64');
}

/** Constant-time check of an `X-Twilio-Signature` header. */
export function verifyTwilioSignature(authToken: string, url: string, params: Record<string, string>, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
