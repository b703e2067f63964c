/**
 * PostgreSQL error codes the services act on. Expected conflicts become 409s with the conflict
 * named; serialization failures and deadlocks are retried a bounded number of times.
 */
export const PG = {
  uniqueViolation: '23505',
  exclusionViolation: '23P01',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  lockNotAvailable: '55P03',
  queryCanceled: '57014',
  invalidTextRepresentation: '22P02',
} as const;

interface PgLikeError {
  code?: string;
  constraint?: string;
  driverError?: { code?: string; constraint?: string };
}

/** The SQLSTATE of a driver error, looking through TypeORM's QueryFailedError wrapper. */
export function pgCode(err: unknown): string | undefined {
  const e = err as PgLikeError | null;
  return e?.driverError?.code ?? e?.code;
}

/** The constraint a violation names (e.g. `appointment_chair_no_overlap`). */
export function pgConstraint(err: unknown): string | undefined {
  const e = err as PgLikeError | null;
  return e?.driverError?.constraint ?? e?.constraint;
}

export const isRetryable = (err: unknown): boolean => {
  const code = pgCode(err);
  return code === PG.serializationFailure || code === PG.deadlockDetected;
};

/**
 * The database is too busy to finish in time: the statement timeout cancelled a query (typically
 * one waiting for a clinic-time lock under load) or a lock was not available. Nothing was written
 * (the transaction rolled back); the client may retry later.
 */
export const isBusy = (err: unknown): boolean => {
  const code = pgCode(err);
  return code === PG.queryCanceled || code === PG.lockNotAvailable;
};

/** Connection-level failures: Postgres restarted or unreachable. The client may retry. */
export const isConnectionError = (err: unknown): boolean => {
  const e = err as { code?: string; message?: string } | null;
  const code = pgCode(err) ?? e?.code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === '57P01' || // admin_shutdown
    code === '57P02' ||
    code === '57P03' || // cannot_connect_now
    code === '08006' ||
    code === '08003' ||
    /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
      e?.message ?? '',
    )
  );
};
