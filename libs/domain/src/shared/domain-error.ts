/**
 * A rule of the domain was broken. `code` is a stable kebab-case string that the HTTP layer maps
 * to a problem+json status (see apps/api/src/http/problem.filter.ts); `details` carries
 * structured, PHI-free context (field paths, sequences, conflict reasons).
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/**
 * Every coded error the domain and services raise. Adding a code breaks compilation of the
 * exhaustive switch in the problem filter until it is given a status.
 */
export type DomainErrorCode =
  | 'validation' // 400: malformed input the DTO layer could not catch (e.g. a local time in a DST gap)
  | 'not-found' // 404: missing, or another tenant's / patient's resource
  | 'forbidden' // 403: role not allowed
  | 'unauthorized' // 401
  | 'conflict' // 409: slot taken, capacity exhausted
  | 'invalid-state' // 409: transition not allowed from the current status
  | 'rule-violation' // 422: protocol spacing, contraindication, missing REMS, notice period
  | 'idempotency-mismatch'; // 422: same Idempotency-Key, different body

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
