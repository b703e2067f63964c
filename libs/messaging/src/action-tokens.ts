import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { DomainError } from '@chairtime/domain';

/** What a one-tap token may do; each token does exactly one. */
export type ActionPurpose = 'confirm-ride' | 'confirm-attendance' | 'check-in-answer' | 'claim-waitlist-offer';

/** The signed claims of a token: ids only, no PHI (the token sits in an SMS). */
export interface ActionClaims {
  /** Single use is per `jti`: a token whose jti was used is refused (409). */
  jti: string;
  purpose: ActionPurpose;
  appointmentId: string;
  /** For `claim-waitlist-offer`: the offer claimed (the appointment is the visit it moves). */
  offerId?: string;
  /** Expiry, epoch seconds. */
  exp: number;
  /** `check-in-answer`: the check-in message being answered (its kind says which form). */
  messageId?: string;
  /** `check-in-answer`: the patient answering, checked against the message. */
  patientId?: string;
}

/** HMAC key distinct from the access-token key: a one-tap token can never pass as a bearer token. */
const key = (secret: string): string => `${secret}:one-tap-actions`;

const sign = (body: string, secret: string): string => createHmac('sha256', key(secret)).update(body).digest('base64url');

/**
 * Issues a token: `base64url(claims).signature`. The `jti` is random unless given: a caller that
 * may issue several links for one thing (a retried send renders its message again) passes a jti
 * derived from that thing, so the thing can be done once whichever link is used.
 */
export function issueActionToken(secret: string, c: Omit<ActionClaims, 'jti'> & { jti?: string }): string {
  const body = Buffer.from(JSON.stringify({ ...c, jti: c.jti ?? randomUUID() })).toString('base64url');
  return `${body}.${sign(body, secret)}`;
}

/**
 * Verifies signature and expiry. Any failure is a plain 404 — a guessed or tampered token learns
 * nothing (and the route is public).
 */
export function verifyActionToken(secret: string, token: string, nowMs: number): ActionClaims {
  const notFound = new DomainError('not-found', 'Action not found');
  const [body, sig] = token.split('.');
  if (!body || !sig) throw notFound;
  const expected = Buffer.from(sign(body, secret));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw notFound;
  let claims: ActionClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as ActionClaims;
  } catch {
    throw notFound;
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) throw notFound;
  return claims;
}
