import { createHmac, timingSafeEqual } from 'node:crypto';

/** Twilio-compatible account settings (`AppConfig.sms`). */
export interface SmsAccount {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
}

/**
 * Sends one SMS speaking Twilio's REST shape over fetch: form body To/From/Body, basic auth, and
 * the ledger key as `I-Twilio-Idempotency-Token`, so a retry after a crash mid-call is
 * deduplicated by the provider as well as by our ledger. Returns the provider's message sid.
 */
export async function sendSms(account: SmsAccount, msg: { to: string; body: string; idempotencyKey: string }): Promise<string> {
  const url = `${account.baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}/Messages.json`;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
      'I-Twilio-Idempotency-Token': msg.idempotencyKey,
    },
    body: new URLSearchParams({ To: msg.to, From: account.from, Body: msg.body }).toString(),
  });
  // The error text is not logged or rethrown verbatim: provider errors can echo the phone number.
  if (!res.ok) throw new Error(`SMS provider answered ${res.status}`);
  const json = (await res.json()) as { sid?: string };
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
