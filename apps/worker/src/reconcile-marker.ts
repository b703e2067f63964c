import type { Queue } from 'bullmq';

/**
 * How long before a pass's start the next pass reads from. A row is marked relayed (at the
 * database's clock) right after Redis accepted its job and commits a moment later; the margin
 * covers that moment, a slow commit and clock steps between database sessions many times over.
 */
export const RECONCILE_OVERLAP_MS = 2 * 60_000;

/** Marks a full pass under way; a pass that dies leaves it, and the next pass is full again. */
const PENDING = 'pending:';
/** Marks Redis known to hold every job relayed before the instant that follows. */
const VERIFIED = 'verified:';

/** Replaces the marker only when it still holds what the pass read: it did not vanish meanwhile. */
const COMPARE_AND_SET = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0`;

/**
 * A key in each queue's own key space (`<prefix>:<queue>:reconciler:verified`; job ids cannot hold
 * ':', so no job shares it) saying since when the reconciler has known that queue's Redis to hold
 * every relayed job. Whatever takes a queue's jobs away — Redis restarted without its data, a flush,
 * the queue's keys deleted — takes the marker with them, so:
 *
 * - no marker (or a full pass's `pending` one): Redis may have lost anything; the pass checks every
 *   open relayed row of the outbox against Redis (what every pass did before);
 * - `verified:<T>`: every job relayed before T was in Redis at T and Redis has lost nothing since
 *   (with persistence, the marker is written after those jobs, so it cannot outlive them); only
 *   rows relayed from T − {@link RECONCILE_OVERLAP_MS} on can be missing, and only those are read.
 *
 * At the end of a pass the marker moves to the pass's start, by compare-and-set: if Redis lost its
 * data during the pass the marker is gone, the set does nothing, and the next pass is full.
 */
export class ReconcileMarker {
  private readonly key: string;

  constructor(private readonly queue: Queue) {
    this.key = queue.toKey('reconciler:verified');
  }

  /** The marker as read: `since` is the verified instant, or null when the pass must be full. */
  async read(): Promise<{ raw: string | null; since: number | null }> {
    const raw = await (await this.client()).get(this.key);
    const since = raw?.startsWith(VERIFIED) ? Number(raw.slice(VERIFIED.length)) : NaN;
    return { raw, since: Number.isFinite(since) ? since : null };
  }

  /** Starts a full pass: the marker says so until the pass completes. Returns what to compare with. */
  async beginFull(): Promise<string> {
    const token = `${PENDING}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    await (await this.client()).set(this.key, token);
    return token;
  }

  /** Records `verifiedAt` if the marker still reads `expected`; false when it vanished or moved. */
  async complete(expected: string, verifiedAt: number): Promise<boolean> {
    const client = await this.client();
    const set = await client.runCommand('eval', [COMPARE_AND_SET, 1, this.key, expected, `${VERIFIED}${verifiedAt}`]);
    return Number(set) === 1;
  }

  private client() {
    return this.queue.backend.client;
  }
}
