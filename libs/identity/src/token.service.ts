import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { Role } from './access.decorators';
import { Principal } from './principal';
import { SessionRevocations } from './session-revocations';

interface AccessClaims {
  sub: string;
  role: Role;
  clinics: string[];
  pid: string | null;
  /** The session (refresh-token family) the token was issued in. */
  sid?: string;
  typ: 'access';
  exp?: number;
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

  /** The principal of a valid, unexpired access token of a session not signed out; null for anything else. */
  async verifyAccess(token: string): Promise<Principal | null> {
    const principal = await this.verifySignature(token);
    if (principal?.sessionId && this.sessions.isRevoked(principal.sessionId)) return null;
    return principal;
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
      if (c.typ !== 'access' || !Object.values(Role).includes(c.role) || !Array.isArray(c.clinics)) return null;
      const principal: Readonly<Principal> = Object.freeze({
        userId: c.sub,
        role: c.role,
        clinicIds: Object.freeze([...c.clinics]) as string[],
        patientId: c.pid ?? null,
        ...(typeof c.sid === 'string' ? { sessionId: c.sid } : {}),
      });
      // Only tokens that expire are remembered (ours always do), and never past their expiry.
      if (typeof c.exp === 'number') this.remember(token, { principal, expiresAt: c.exp * 1000 });
      return principal;
    } catch {
      return null;
    }
  }

  private remember(token: string, entry: VerifiedToken): void {
    if (this.verified.size >= VERIFIED_TOKENS_MAX) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, entry);
  }
}
