/** RFC 9457 problem details, the body of every error response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Present on 400: which field, and what is wrong with it. */
  errors?: { path: string; message: string }[];
  /** Present on 409: what the request collided with. */
  conflicts?: Record<string, unknown>[];
  /** Present on 409 for refused transitions: the resource's current status. */
  currentStatus?: string;
  /** Correlates a 500 with the server's log line, without revealing anything else. */
  correlationId?: string;
  [extension: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const PROBLEM_BASE = 'https://chairtime.dev/problems/';

export function problem(status: number, slug: string, detail?: string, extra: Partial<Problem> = {}): Problem {
  return {
    type: `${PROBLEM_BASE}${slug}`,
    title: TITLES[status] ?? 'Error',
    status,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
  };
}
