import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { destination } from 'pino';

/**
 * Personal fields that must never reach a log line, wherever they appear in a logged object.
 * Logs carry ids (request, job, entity) only.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
  'res.headers["set-cookie"]',
  ...[
    'password',
    'passwordHash',
    'accessToken',
    'refreshToken',
    'token',
    'email',
    'phone',
    'givenName',
    'familyName',
    'birthDate',
    'driverName',
    'driverPhone',
    'name',
    'note',
    'body',
    'answers',
    'diagnoses',
  ].flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];

/** Action links carry a bearer token in the path; keep it out of access logs. */
export function scrubUrl(url: string | undefined): string | undefined {
  return url?.replace(/\/actions\/[^/?#]+/, '/actions/[token]');
}

/**
 * Logging for the apps. Lines go to an asynchronous stdout destination so a log write never
 * blocks the request that logged it (pino flushes it when the process exits); at `silent` the
 * per-request logging is off altogether instead of building lines nobody writes.
 */
export function pinoParams(level: string): Params {
  return {
    pinoHttp: [
      {
        level,
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
        genReqId: (req: IncomingMessage, res: ServerResponse) => {
          const given = req.headers['x-request-id'];
          const id = typeof given === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
          res.setHeader('x-request-id', id);
          return id;
        },
        customProps: () => ({ app: 'api' }),
        serializers: {
          req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: scrubUrl(req.url) }),
          res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        },
        autoLogging:
          level === 'silent' ? false : { ignore: (req: IncomingMessage) => req.url === '/health/live' || req.url === '/metrics' },
      },
      destination({ dest: 1, sync: false }),
    ],
  };
}
