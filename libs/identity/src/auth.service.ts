import { Inject, Injectable } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { CLOCK, Clock, DomainError } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { inTransaction } from '@chairtime/persistence';
import { AppUser, RefreshToken, UserClinic } from './entities';
import { Principal } from './principal';
import { Role } from './access.decorators';
import { PasswordService } from './password.service';
import { TokenService } from './token.service';
import { SessionRevocations } from './session-revocations';
import { hashRefreshToken, newRefreshToken } from './refresh-tokens';
import { auditDenied } from './access.guard';
import { LoginThrottler } from './login-throttler';

/** What login and refresh return (API.md "Auth and roles"). */
export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
}

/** Request facts worth auditing; never the email or password. */
export interface AuthContext {
  requestId: string | null;
}

/** A sign-in attempt's context: also where it came from (the client address, per TRUST_PROXY). */
export interface LoginContext extends AuthContext {
  source: string;
}

/** One message for every credential failure, so responses do not tell which part was wrong. */
const BAD_CREDENTIALS = 'The email or password is wrong';
/** Same text as the rate limiter's: a throttled sign-in and a rate-limited caller look alike. */
export const TOO_MANY_ATTEMPTS = 'Too many attempts; try again later';

/** A throttled sign-in: 429 with `Retry-After` (the problem filter reads `retryAfterSeconds`). */
export class LoginThrottled extends ThrottlerException {
  constructor(readonly retryAfterSeconds: number) {
    super(TOO_MANY_ATTEMPTS);
  }
}

/**
 * Sign-in, refresh-token rotation and sign-out. Wrong passwords slow down their (account, source)
 * pair and, across accounts, their source ({@link LoginThrottler}); no account is ever locked.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly passwords: PasswordService,
    private readonly tokens: TokenService,
    private readonly sessions: SessionRevocations,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async login(email: string, password: string, ctx: LoginContext): Promise<TokenPair> {
    const user = await this.dataSource
      .getRepository(AppUser)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email: email.trim() })
      .getOne();
    const now = this.clock.now();
    // Throttled attempts are refused before the password is checked: a guess made while waiting
    // teaches nothing. Known and unknown emails wait alike (the keys do not depend on the account).
    const wait = await this.throttle.waitSeconds(email, ctx.source, now);
    if (wait > 0) {
      await this.auditLogin(user, user?.role ?? 'anonymous', 'denied', 'throttled', ctx);
      throw new LoginThrottled(wait);
    }
    const ok = await this.passwords.verifyOrBurn(user?.passwordHash ?? null, password);

    if (!user || !ok || user.disabled) {
      await this.throttle.failed(email, ctx.source, now);
      const why = !user ? 'unknown-account' : user.disabled ? 'disabled' : 'bad-password';
      await this.auditLogin(user, user?.role ?? 'anonymous', 'failure', why, ctx);
      throw new DomainError('unauthorized', BAD_CREDENTIALS);
    }
    await this.throttle.succeeded(email, ctx.source);

    return inTransaction(this.dataSource, async (em) => {
      const pair = await this.issue(em, user, randomUUID(), now);
      await this.audit.record(
        {
          actorId: user.id,
          actorRole: user.role,
          action: 'auth.login',
          resourceType: 'user',
          resourceId: user.id,
          requestId: ctx.requestId,
          outcome: 'success',
        },
        em,
      );
      return pair;
    });
  }

  /**
   * Rotates a refresh token. A token that was already rotated is a replay (the legitimate client
   * holds its successor): the whole family is revoked so the thief's copy dies with it.
   */
  async refresh(token: string, ctx: AuthContext): Promise<TokenPair> {
    const now = this.clock.now();
    const outcome = await inTransaction(this.dataSource, async (em) => {
      const row = await em.findOne(RefreshToken, { where: { tokenHash: hashRefreshToken(token) }, lock: { mode: 'pessimistic_write' } });
      if (!row) return { kind: 'unknown' as const };
      if (row.revokedAt) {
        if (row.replacedBy) {
          // A replay: the thief may hold access tokens of the session too, so they end with it.
          await this.revokeFamily(em, row.familyId, now);
          return { kind: 'reuse' as const, row, sessionEnds: await this.sessions.revoke(em, row.familyId) };
        }
        return { kind: 'revoked' as const, row };
      }
      if (row.expiresAt.getTime() <= now) return { kind: 'expired' as const, row };
      const user = await em.findOne(AppUser, { where: { id: row.userId } });
      if (!user || user.disabled) return { kind: 'disabled' as const, row };
      const pair = await this.issue(em, user, row.familyId, now, row.id);
      await this.audit.record(
        {
          actorId: user.id,
          actorRole: user.role,
          action: 'auth.refresh',
          resourceType: 'user',
          resourceId: user.id,
          requestId: ctx.requestId,
          outcome: 'success',
        },
        em,
      );
      return { kind: 'ok' as const, pair };
    });
    if (outcome.kind === 'ok') return outcome.pair;
    if (outcome.kind === 'reuse') this.sessions.remember(outcome.row.familyId, outcome.sessionEnds);
    await this.audit.record({
      actorId: outcome.kind === 'unknown' ? null : outcome.row.userId,
      actorRole: 'anonymous',
      action: outcome.kind === 'reuse' ? 'auth.refresh.reuse' : 'auth.refresh',
      resourceType: 'refresh-token',
      resourceId: outcome.kind === 'unknown' ? null : outcome.row.familyId,
      requestId: ctx.requestId,
      outcome: 'denied',
      detail: outcome.kind,
    });
    throw new DomainError('unauthorized', 'The refresh token is invalid or expired');
  }

  /**
   * A browser session for the admin pages (`detail` names the route, for the audit): signs in like
   * {@link login} — same throttling, audit and errors, except that wrong credentials answer null —
   * and keeps the access token alone: the refresh session is revoked at once, so the session
   * ends with the token. A non-admin's correct sign-in is audited as a refusal and answers null.
   */
  async adminBrowserSession(
    email: string,
    password: string,
    ctx: LoginContext & { route: string },
  ): Promise<{ accessToken: string; expiresIn: number } | null> {
    let pair: TokenPair;
    try {
      pair = await this.login(email, password, ctx);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'unauthorized') return null;
      throw error;
    }
    const principal = await this.tokens.verifyAccess(pair.accessToken);
    if (!principal) return null;
    // The refresh session ends now; the access token's session lives on in the cookie.
    await this.endRefresh(principal, pair.refreshToken, ctx, false);
    if (principal.role === Role.Admin) return { accessToken: pair.accessToken, expiresIn: pair.expiresIn };
    await auditDenied(this.audit, principal, ctx.requestId, `${ctx.route} (role)`);
    return null;
  }

  /**
   * Signs out: the refresh token's whole family is revoked, and so are the session's access
   * tokens (refused at once here, within SESSION_REVOCATION_POLL_MS by other API processes).
   */
  async logout(principal: Principal, token: string, ctx: AuthContext): Promise<void> {
    await this.endRefresh(principal, token, ctx, true);
  }

  /**
   * Ends the session of an access token that has no refresh token to present (the admin pages'
   * cookie): its tokens are refused from now on. An invalid token, or one minted outside a
   * sign-in (no session), changes nothing.
   */
  async endSession(accessToken: string, ctx: AuthContext): Promise<void> {
    const principal = await this.tokens.verifyAccess(accessToken);
    const sessionId = principal?.sessionId;
    if (!principal || !sessionId) return;
    const ends = await inTransaction(this.dataSource, async (em) => {
      const until = await this.sessions.revoke(em, sessionId);
      await this.recordLogout(em, principal, sessionId, ctx);
      return until;
    });
    this.sessions.remember(sessionId, ends);
  }

  /** Revokes the token's family (and, with `endSession`, the session's access tokens) if it is the caller's. */
  private async endRefresh(principal: Principal, token: string, ctx: AuthContext, endSession: boolean): Promise<void> {
    const now = this.clock.now();
    const ended = await inTransaction(this.dataSource, async (em) => {
      const row = await em.findOne(RefreshToken, { where: { tokenHash: hashRefreshToken(token) } });
      // Someone else's token is not ours to revoke (and we do not confirm it exists).
      if (!row || row.userId !== principal.userId) return null;
      await this.revokeFamily(em, row.familyId, now);
      const until = endSession ? await this.sessions.revoke(em, row.familyId) : null;
      await this.recordLogout(em, principal, row.familyId, ctx);
      return until === null ? null : { sessionId: row.familyId, until };
    });
    if (ended) this.sessions.remember(ended.sessionId, ended.until);
  }

  private recordLogout(em: EntityManager, principal: Principal, familyId: string, ctx: AuthContext): Promise<void> {
    return this.audit.record(
      {
        actorId: principal.userId,
        actorRole: principal.role,
        action: 'auth.logout',
        resourceType: 'refresh-token',
        resourceId: familyId,
        requestId: ctx.requestId,
        outcome: 'success',
      },
      em,
    );
  }

  /** The principal a user's tokens carry: clinics re-read on every issue so changes apply at refresh. */
  async principalOf(em: EntityManager, user: AppUser): Promise<Principal> {
    const links = await em.find(UserClinic, { where: { userId: user.id }, order: { clinicId: 'ASC' } });
    return { userId: user.id, role: user.role as Role, clinicIds: links.map((l) => l.clinicId), patientId: user.patientId };
  }

  private async issue(em: EntityManager, user: AppUser, familyId: string, now: number, rotatedFrom?: string): Promise<TokenPair> {
    const refreshToken = newRefreshToken();
    const id = randomUUID();
    await em.insert(RefreshToken, {
      id,
      userId: user.id,
      familyId,
      tokenHash: hashRefreshToken(refreshToken),
      expiresAt: new Date(now + this.config.refreshTokenTtlSeconds * 1000),
      revokedAt: null,
      replacedBy: null,
    });
    if (rotatedFrom) await em.update(RefreshToken, { id: rotatedFrom }, { revokedAt: new Date(now), replacedBy: id });
    const { accessToken, expiresIn } = this.tokens.signAccess({ ...(await this.principalOf(em, user)), sessionId: familyId });
    return { accessToken, tokenType: 'Bearer', expiresIn, refreshToken };
  }

  private async revokeFamily(em: EntityManager, familyId: string, now: number): Promise<void> {
    await em.update(RefreshToken, { familyId, revokedAt: IsNull() }, { revokedAt: new Date(now) });
  }

  private async auditLogin(
    user: AppUser | null,
    role: string,
    outcome: 'failure' | 'denied',
    why: string,
    ctx: AuthContext,
  ): Promise<void> {
    await this.audit.record({
      actorId: user?.id ?? null,
      actorRole: role,
      action: 'auth.login',
      resourceType: 'user',
      resourceId: user?.id ?? null,
      patientId: user?.patientId ?? null,
      requestId: ctx.requestId,
      outcome,
      detail: why,
    });
  }
}
