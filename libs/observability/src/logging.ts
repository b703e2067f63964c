import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { destination, levels, stdSerializers } from 'pino';

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

/**
 * Action links carry a bearer token in the path — the API's (`/v1/actions/<token>`) and the web
 * pages behind them (`/a/<token>`, `/portal/invite/<token>`); keep it out of access logs.
 */
export function scrubUrl(url: string | undefined): string | undefined {
  return url
    ?.replace(/\/actions\/[^/?#]+/, '/actions/[token]')
    .replace(/^\/a\/[^/?#]+/, '/a/[token]')
    .replace(/^\/portal\/invite\/[^/?#]+/, '/portal/invite/[token]');
}

/**
 * Logging for the apps. Lines go to an asynchronous stdout destination so a log write never
 * blocks the request that logged it (pino flushes it when the process exits). The per-request
 * "request completed" line is written at `info`: at a level above it (or `silent`) nothing would
 * ever be written, so that logging is off instead of listening for every response's end.
 *
 * @param app when given, every line carries `app` (the API's request lines always did): in the
 * base bindings it costs nothing per request, where a per-request child logger did.
 */
export function pinoParams(level: string, app?: string): Params {
  const requestLines = level !== 'silent' && (levels.values[level] ?? 0) <= levels.values.info;
  return {
    pinoHttp: [
      {
        level,
        base: { pid: process.pid, hostname: hostname(), ...(app ? { app } : {}) },
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
        genReqId: (req: IncomingMessage, res: ServerResponse) => {
          const given = req.headers['x-request-id'];
          const id = typeof given === 'string' && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
          res.setHeader('x-request-id', id);
          return id;
        },
        // The serializers take the raw request and response: wrapped (the default), each request
        // first built pino's full request object (headers, parsed query, peer address) only for
        // these three fields to be kept.
        wrapSerializers: false,
        serializers: {
          req: (req: IncomingMessage & { id: string; originalUrl?: string }) => ({
            id: req.id,
            method: req.method,
            url: scrubUrl(req.originalUrl ?? req.url),
          }),
          res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
          err: stdSerializers.err,
        },
        autoLogging: requestLines ? { ignore: (req: IncomingMessage) => req.url === '/health/live' || req.url === '/metrics' } : false,
      },
      destination({ dest: 1, sync: false }),
    ],
  };
}
