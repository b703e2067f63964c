import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { Metrics } from '@chairtime/observability';

/** A source's failures are counted over this window for the spraying limit. */
export const SOURCE_WINDOW_MS = 15 * 60_000;
/** An (account, source) pair's failures are forgotten after a day without one. */
export const PAIR_MEMORY_MS = 24 * 60 * 60_000;

/**
 * Seconds an (account, source) pair waits after its `failures`-th failure: nothing for the first
 * `free`, then 1 s, 2 s, 4 s … doubling up to `max` (OWASP: growing delays, not a lock-out).
 */
export function pairDelaySeconds(failures: number, free: number, max: number): number {
  if (failures <= free) return 0;
  return Math.min(max, 2 ** Math.min(30, failures - free - 1));
}

/** Throttling keys of one attempt; the email is hashed with the source, so no row holds an email. */
export function throttleKeys(email: string, source: string): { pair: string; source: string } {
  const digest = createHash('sha256').update(`${email.trim().toLowerCase()}\n${source}`).digest('hex');
  return { pair: `pair:${digest}`, source: `source:${source}` };
}

/**
 * Login throttling after OWASP's Authentication Cheat Sheet, in place of locking accounts (which
 * let anyone lock anyone out): wrong passwords for one account from one source make that pair
 * wait longer and longer ({@link pairDelaySeconds}), while the same account from a source that has
 * not failed signs in as usual. A source failing across many accounts (password spraying,
 * LOGIN_SOURCE_MAX_FAILURES in 15 minutes) waits until its window ends; crossing the limit is
 * logged as a warning and counted (`login_spraying_alerts_total`), the alert to page on. State is
 * in Postgres (`login_failure`), so every API process of an instance applies the same limits.
 * Known and unknown emails are treated alike: the keys never depend on whether the account exists.
 */
@Injectable()
export class LoginThrottler {
  private readonly log = new Logger(LoginThrottler.name);
  private metrics: Metrics | null | undefined;
  private prunedAt = 0;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** Seconds this attempt must still wait (0: go ahead and check the password). */
  async waitSeconds(email: string, source: string, now: number): Promise<number> {
    const keys = throttleKeys(email, source);
    const rows = await this.dataSource.query<{ blocked_until: Date }[]>(
      `SELECT blocked_until FROM login_failure WHERE key = ANY($1::text[]) AND blocked_until > $2`,
      [[keys.pair, keys.source], new Date(now)],
    );
    const until = Math.max(0, ...rows.map((r) => r.blocked_until.getTime()));
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Counts a failed attempt for its pair and its source; returns the seconds the pair now waits. */
  async failed(email: string, source: string, now: number): Promise<number> {
    const keys = throttleKeys(email, source);
    const at = new Date(now);
    const [pair] = await this.dataSource.query<{ failures: number }[]>(
      `INSERT INTO login_failure AS f (key, failures, window_started_at, last_failed_at, blocked_until)
       VALUES ($1, 1, $2, $2, $2)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN f.last_failed_at < $3 THEN 1 ELSE f.failures + 1 END,
         window_started_at = CASE WHEN f.last_failed_at < $3 THEN $2 ELSE f.window_started_at END,
         last_failed_at = $2
       RETURNING failures`,
      [keys.pair, at, new Date(now - PAIR_MEMORY_MS)],
    );
    const delay = pairDelaySeconds(pair.failures, this.config.loginFreeFailures, this.config.loginMaxDelaySeconds);
    if (delay > 0) await this.blockUntil(keys.pair, new Date(now + delay * 1000));

    const limit = this.config.loginSourceMaxFailures;
    const [src] = await this.dataSource.query<{ failures: number; window_started_at: Date }[]>(
      `INSERT INTO login_failure AS f (key, failures, window_started_at, last_failed_at, blocked_until)
       VALUES ($1, 1, $2, $2, $2)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN f.window_started_at < $3 THEN 1 ELSE f.failures + 1 END,
         window_started_at = CASE WHEN f.window_started_at < $3 THEN $2 ELSE f.window_started_at END,
         last_failed_at = $2
       RETURNING failures, window_started_at`,
      [keys.source, at, new Date(now - SOURCE_WINDOW_MS)],
    );
    if (src.failures >= limit) {
      await this.blockUntil(keys.source, new Date(src.window_started_at.getTime() + SOURCE_WINDOW_MS));
      if (src.failures === limit) {
        // Addresses are not patient data; the accounts tried are not named (only hashed in the table).
        this.log.warn({ source, failures: src.failures, windowMinutes: SOURCE_WINDOW_MS / 60_000 }, 'login spraying: source throttled');
        this.counter()?.inc();
      }
    }
    if (now - this.prunedAt > SOURCE_WINDOW_MS) {
      this.prunedAt = now;
      await this.prune(now);
    }
    return delay;
  }

  /** A correct password: the pair starts afresh (the source's count stays; it is about other accounts). */
  async succeeded(email: string, source: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_failure WHERE key = $1`, [throttleKeys(email, source).pair]);
  }

  /** Forgets rows idle for longer than any window (any process may; reads ignore them anyway). */
  async prune(now: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_failure WHERE last_failed_at < $1 AND blocked_until < $2`, [
      new Date(now - PAIR_MEMORY_MS),
      new Date(now),
    ]);
  }

  private async blockUntil(key: string, until: Date): Promise<void> {
    await this.dataSource.query(`UPDATE login_failure SET blocked_until = GREATEST(blocked_until, $2) WHERE key = $1`, [key, until]);
  }

  private counter() {
    if (this.metrics === undefined) {
      try {
        this.metrics = this.moduleRef.get(Metrics, { strict: false });
      } catch {
        this.metrics = null; // a process without the metrics module (tools, tests of the library)
      }
    }
    return this.metrics?.loginSprayingAlerts ?? null;
  }
}
