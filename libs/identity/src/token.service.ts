import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { Role } from './access.decorators';
import { Principal } from './principal';
import { SessionRevocations } from './session-revocations';
import { UserDirectory } from './user-directory';

/** Clock difference tolerated between the process that signed a token and the one reading it. */
export const TOKEN_CLOCK_SKEW_SECONDS = 30;

interface AccessClaims {
  sub: string;
  role: Role;
  clinics: string[];
  pid: string | null;
  /** The session (refresh-token family) the token was issued in. */
  sid?: string;
  typ: 'access';
  exp?: number;
  iat?: number;
}

/** Verified tokens remembered per process; beyond this the oldest remembered is forgotten first. */
const VERIFIED_TOKENS_MAX = 10_000;

interface VerifiedToken {
  principal: Readonly<Principal>;
  /** Epoch ms of the token's `exp`: from then on it is expired, as jsonwebtoken decides it. */
  expiresAt: number;
}

/** Short-lived access tokens (HS256 JWT). Carry ids only. A token of a signed-out session is refused. */
@Injectable()
export class TokenService {
  private readonly jwt: JwtService;
  /**
   * Tokens whose signature and claims were verified, by their exact text, until their `exp`. A
   * client sends the same token on every request for its lifetime (15 minutes): verifying it
   * once (HMAC, two base64 and JSON parses) instead of on each request saves CPU on every
   * authenticated route. Nothing that decides the signature's validity changes in between: the
   * principal comes from the signed claims alone, the key is fixed for the process, and the entry
   * is dropped at the same instant `exp` would refuse it. A sign-out is checked on every request,
   * cached or not. A different text (another token, a flipped byte) is
   * a miss and is verified in full.
   */
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: SessionRevocations,
    private readonly users: UserDirectory,
  ) {
    this.jwt = new JwtService({
      // A KeyObject: given a string, jsonwebtoken first tries (and fails) to parse it as a public
      // key on every verify — about 3 ms of CPU per request.
      secret: createSecretKey(Buffer.from(config.jwtSecret)),
      signOptions: { algorithm: 'HS256', issuer: 'chairtime', audience: 'chairtime-api' },
    });
  }

  /** An access token for `p`, in the session `p.sessionId` when it has one. */
  signAccess(p: Principal): { accessToken: string; expiresIn: number } {
    const claims: AccessClaims = {
      sub: p.userId,
      role: p.role,
      clinics: p.clinicIds,
      pid: p.patientId,
      ...(p.sessionId ? { sid: p.sessionId } : {}),
      typ: 'access',
    };
    const expiresIn = this.config.accessTokenTtlSeconds;
    return { accessToken: this.jwt.sign(claims, { expiresIn }), expiresIn };
  }

  /**
   * The principal of a valid, unexpired access token of a session not signed out, with the role,
   * clinics and patient its user has now in the database (a token's claims say only who signed
   * in); null for anything else, and for a user who does not exist or was disabled.
   */
  async verifyAccess(token: string): Promise<Principal | null> {
    const signed = await this.verifySignature(token);
    if (!signed || (signed.sessionId && this.sessions.isRevoked(signed.sessionId))) return null;
    const current = await this.users.current(signed.userId);
    if (!current) return null;
    return Object.freeze({ ...signed, role: current.role, clinicIds: current.clinicIds, patientId: current.patientId });
  }

  private async verifySignature(token: string): Promise<Principal | null> {
    const now = Date.now();
    const known = this.verified.get(token);
    if (known) {
      if (now < known.expiresAt) return known.principal;
      this.verified.delete(token);
    }
    try {
      const c = await this.jwt.verifyAsync<AccessClaims>(token, { algorithms: ['HS256'], issuer: 'chairtime', audience: 'chairtime-api' });
      if (c.typ !== 'access' || typeof c.sub !== 'string' || !Object.values(Role).includes(c.role) || !Array.isArray(c.clinics))
        return null;
      if (!this.lifetimeIsOurs(c, now)) return null;
      const principal: Readonly<Principal> = Object.freeze({
        userId: c.sub,
        role: c.role,
        clinicIds: Object.freeze([...c.clinics]) as string[],
        patientId: c.pid ?? null,
        ...(typeof c.sid === 'string' ? { sessionId: c.sid } : {}),
      });
      // Remembered never past its expiry.
      this.remember(token, { principal, expiresAt: (c.exp as number) * 1000 });
      return principal;
    } catch {
      return null;
    }
  }

  /**
   * Our tokens always carry `iat` and `exp`, `exp - iat` equal to the configured lifetime: a token
   * without them, living longer, or issued in the future (beyond a small clock skew) was not
   * minted by this service as configured — a leaked or guessed key must not buy a token for ever.
   */
  private lifetimeIsOurs(c: AccessClaims, now: number): boolean {
    if (typeof c.exp !== 'number' || typeof c.iat !== 'number' || !Number.isFinite(c.exp) || !Number.isFinite(c.iat)) return false;
    if (c.exp - c.iat > this.config.accessTokenTtlSeconds || c.exp <= c.iat) return false;
    return c.iat <= now / 1000 + TOKEN_CLOCK_SKEW_SECONDS;
  }

  private remember(token: string, entry: VerifiedToken): void {
    if (this.verified.size >= VERIFIED_TOKENS_MAX) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, entry);
  }
}
