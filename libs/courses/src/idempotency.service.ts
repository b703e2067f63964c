import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { DomainError } from '@chairtime/domain';

/** A response stored for replay. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

/** What a claim of an idempotency key found. */
export type IdempotencyClaim = { kind: 'fresh'; id: string } | { kind: 'replay'; response: StoredResponse };

/** JSON with object keys sorted at every level, so `{a, b}` and `{b, a}` hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 of the route and the canonical body: what "the same request" means for a key. */
export function requestHash(route: string, body: unknown): string {
  return createHash('sha256').update(route).update('\n').update(canonicalJson(body)).digest('hex');
}

/**
 * Idempotency keys for booking writes (API.md "Conventions"). The key row is inserted FIRST in the
 * write's transaction with ON CONFLICT DO NOTHING: a concurrent duplicate blocks on the unique
 * index until the first transaction ends, then either sees the committed row (and replays its
 * response) or, if the first rolled back, inserts its own and does the work itself. Checking with
 * a SELECT before inserting would let both duplicates through.
 *
 * Only successful responses are stored: an error rolls the key back with everything else, so a
 * retry after a 409 or 422 is evaluated afresh.
 */
@Injectable()
export class IdempotencyService {
  async claim(em: EntityManager, k: { clinicId: string; actor: string; key: string; hash: string }): Promise<IdempotencyClaim> {
    const inserted: { id: string }[] = await em.query(
      `INSERT INTO idempotency_key (clinic_id, key, actor, request_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (actor, key) DO NOTHING RETURNING id`,
      [k.clinicId, k.key, k.actor, k.hash],
    );
    if (inserted.length === 1) return { kind: 'fresh', id: inserted[0].id };
    const rows: { request_hash: string; response_status: number | null; response_body: unknown }[] = await em.query(
      'SELECT request_hash, response_status, response_body FROM idempotency_key WHERE actor = $1 AND key = $2',
      [k.actor, k.key],
    );
    const row = rows[0];
    if (!row) {
      // Vanishingly rare: the row was committed and purged between the two statements.
      throw new DomainError('conflict', 'The request with this Idempotency-Key is being processed; retry');
    }
    if (row.request_hash !== k.hash) {
      throw new DomainError('idempotency-mismatch', 'This Idempotency-Key was used with a different request');
    }
    if (row.response_status === null) throw new DomainError('conflict', 'The request with this Idempotency-Key is being processed; retry');
    return { kind: 'replay', response: { status: row.response_status, body: row.response_body } };
  }

  async store(em: EntityManager, id: string, response: StoredResponse): Promise<void> {
    await em.query('UPDATE idempotency_key SET response_status = $2, response_body = $3 WHERE id = $1', [
      id,
      response.status,
      JSON.stringify(response.body),
    ]);
  }
}
