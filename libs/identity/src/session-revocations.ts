import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';

/** How often a process deletes rows past their expiry (any process may; the read ignores them anyway). */
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Signed-out sessions, as this process knows them: a session id (the `sid` of its access tokens)
 * with the instant its last access token expires. A sign-out writes a `session_revocation` row in
 * its transaction and, once committed, is known here at once; every process reads the rows
 * written elsewhere every `sessionRevocationPollMs`, so a sign-out ends the
 * session's access tokens everywhere within that interval. A check is a Map lookup, so the
 * per-request cost stays nil. Times are the real clock's: access tokens expire by it (their
 * `exp`), whatever clock the domain runs on.
 */
@Injectable()
export class SessionRevocations implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(SessionRevocations.name);
  /** Session id → epoch ms after which no token of it is valid anyway. */
  private readonly revoked = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  /** Epoch ms of this process's last clean-up of long-expired rows. */
  private prunedAt = 0;
  private polling: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.config.sessionRevocationPollMs).unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Whether the session was signed out (and could still have unexpired tokens). */
  isRevoked(sessionId: string): boolean {
    const until = this.revoked.get(sessionId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.revoked.delete(sessionId);
    return false;
  }

  /**
   * Records the sign-out of `sessionId` in the caller's transaction; call {@link remember} once it
   * has committed. Its tokens are all expired once an access-token lifetime has passed.
   */
  async revoke(em: EntityManager, sessionId: string): Promise<number> {
    const expiresAt = Date.now() + this.config.accessTokenTtlSeconds * 1000;
    await em.query(`INSERT INTO session_revocation (session_id, expires_at) VALUES ($1, $2)`, [sessionId, new Date(expiresAt)]);
    return expiresAt;
  }

  /** Makes a committed sign-out known to this process without waiting for the next read. */
  remember(sessionId: string, expiresAt: number): void {
    this.revoked.set(sessionId, Math.max(expiresAt, this.revoked.get(sessionId) ?? 0));
  }

  /** Reads the sign-outs that still matter (one read at a time); now and then deletes long-expired rows. */
  poll(): Promise<void> {
    this.polling ??= this.read().finally(() => (this.polling = null));
    return this.polling;
  }

  /**
   * Every unexpired row, each time: rows live one access-token lifetime (a clinic's sign-outs of
   * the last 15 minutes), and reading them all needs no cursor — an id cursor would skip a row
   * whose transaction committed after a later id had been read.
   */
  private async read(): Promise<void> {
    try {
      const rows = await this.dataSource.query<{ session_id: string; expires_at: Date }[]>(
        `SELECT session_id, expires_at FROM session_revocation WHERE expires_at > now()`,
      );
      for (const r of rows) this.remember(r.session_id, r.expires_at.getTime());
      const now = Date.now();
      for (const [sid, until] of this.revoked) if (until <= now) this.revoked.delete(sid);
      // Expired rows are ignored by the read; deleting them now and then keeps the table small.
      if (now - this.prunedAt >= PRUNE_EVERY_MS) {
        this.prunedAt = now;
        await this.dataSource.query(`DELETE FROM session_revocation WHERE expires_at < now() - interval '1 hour'`);
      }
    } catch (error) {
      // The next read catches up; sign-outs made in this process are known here already.
      this.log.warn(`could not read sign-outs: ${(error as Error).message}`);
    }
  }
}
