/** An RFC 9457 problem as the API sends it (API.md "Conventions"). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

/** An API refusal carried to React Query's error channel, with the words to show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `The server answered ${status}`);
    this.name = 'ApiError';
  }
}

/** Throws the problem of a failed openapi-fetch call; returns its data otherwise. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw new ApiError(result.response.status, (result.error ?? {}) as Problem);
}

/** A sentence for the person at the screen: the problem's detail and field errors, never a bare status. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = (error.problem.errors ?? []).map((e) => `${e.path}: ${e.message}`);
    return [error.message, ...fields].join(' — ');
  }
  if (error instanceof TypeError) return 'Cannot reach Chairtime. Check the connection and try again.';
  return error instanceof Error ? error.message : 'Something went wrong.';
}
