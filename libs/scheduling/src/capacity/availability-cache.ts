import { createHash } from 'node:crypto';

/** A serialized availability answer, ready to write: UTF-8 bytes and their entity tag. */
export interface AvailabilityAnswer {
  body: Buffer;
  /**
   * Weak entity tag of `body` in the form Express gives (`W/"<length hex>-<sha1 base64>"`), so a
   * client's `If-None-Match` keeps matching whichever process answers and across deploys.
   */
  etag: string;
}

/** A cached availability answer and the conditions under which it is still the true answer. */
export interface CachedAnswer extends AvailabilityAnswer {
  /** The clinic's capacity version read before the capacity was loaded. */
  version: string;
  /**
   * Clock time (epoch ms) from which the answer may differ without any write: the earliest
   * expiry of a loaded hold (its chair frees itself) or just after the first offered start
   * (a start in the past is no longer offered).
   */
  validUntil: number;
}

/**
 * The bytes of a JSON body and their entity tag, computed once per answer: hashing and encoding
 * 161 KB on every response was a quarter of a cached request's CPU.
 */
export function availabilityAnswer(json: string): AvailabilityAnswer {
  const body = Buffer.from(json, 'utf8');
  const hash = createHash('sha1').update(body).digest('base64').substring(0, 27);
  return { body, etag: `W/"${body.length.toString(16)}-${hash}"` };
}

/**
 * Per-process cache of serialized availability answers, bounded by total body bytes and evicting
 * the least recently used. Several API processes each keep their own: correctness never depends
 * on it, because an entry is served only while the clinic's capacity version in Postgres is the
 * one it was computed under and the clock is before its `validUntil`.
 */
export class AvailabilityCache {
  private readonly entries = new Map<string, CachedAnswer>();
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  /** The answer cached under `key`, when it was computed under `version` and is still valid at `now`. */
  get(key: string, version: string, now: number): AvailabilityAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.version !== version || now >= entry.validUntil) {
      this.size -= entry.body.length;
      return undefined;
    }
    this.entries.set(key, entry); // most recently used goes last
    return entry;
  }

  /** Stores an answer unless a newer version's answer is already there (a slow, older request lost a race). */
  set(key: string, answer: CachedAnswer): void {
    if (answer.body.length > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      if (BigInt(old.version) > BigInt(answer.version)) return;
      this.entries.delete(key);
      this.size -= old.body.length;
    }
    this.entries.set(key, answer);
    this.size += answer.body.length;
    for (const [k, e] of this.entries) {
      if (this.size <= this.maxBytes) break;
      this.entries.delete(k);
      this.size -= e.body.length;
    }
  }
}
