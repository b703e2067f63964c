import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, DomainErrorCode } from '@chairtime/domain';
import { isBusy, isConnectionError, isRetryable } from '@chairtime/persistence';
import { Problem, PROBLEM_BASE, problem } from './problem';

/** Seconds a client waits before retrying a 503 `retry` (a Postgres restart takes a few). */
const RETRY_AFTER_SECONDS = 2;
import { RequestValidationError } from './validation';

/** Status for every domain error code; the `never` check breaks the build when one is missing. */
export function statusOf(code: DomainErrorCode): number {
  switch (code) {
    case 'validation':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not-found':
      return 404;
    case 'conflict':
    case 'invalid-state':
      return 409;
    case 'rule-violation':
    case 'idempotency-mismatch':
      return 422;
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}

export function domainProblem(err: DomainError): Problem {
  const status = statusOf(err.code);
  const { errors, conflicts, currentStatus, violations, ...rest } = err.details as Record<string, unknown>;
  const extra: Partial<Problem> = {};
  if (Array.isArray(errors)) extra.errors = errors as Problem['errors'];
  else if (status === 400 && typeof rest.path === 'string') extra.errors = [{ path: rest.path, message: err.message }];
  if (Array.isArray(conflicts)) extra.conflicts = conflicts as Problem['conflicts'];
  if (typeof currentStatus === 'string') extra.currentStatus = currentStatus;
  if (Array.isArray(violations)) extra.violations = violations;
  if (typeof rest.reason === 'string') extra.reason = rest.reason;
  return problem(status, err.code, err.message, extra);
}

/**
 * Every error leaves as application/problem+json. Known errors keep their status and a safe
 * detail; anything unexpected becomes a bare 500 whose only clue is the correlation id (the
 * request id), so no stack trace, SQL or other tenant's data can leak.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const body = this.toProblem(exception, req);
    if (res.headersSent) return;
    // A transient outage (database restarting, pool exhausted): tell clients when to try again.
    if (body.type === `${PROBLEM_BASE}retry`) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    // RFC 9110: a 401 names the scheme it wants; a 429 says when to come back.
    if (body.status === 401) res.setHeader('WWW-Authenticate', wwwAuthenticate(body.reason === 'invalid-token'));
    if (body.status === 429) res.setHeader('Retry-After', String(retryAfterOf(exception, res)));
    // API.md: every 400 says which field; errors the validators did not shape get one entry.
    if (body.status === 400 && !Array.isArray(body.errors)) body.errors = [{ path: fieldOf(req), message: body.detail ?? body.title }];
    res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }

  private toProblem(exception: unknown, req: Request & { id?: string }): Problem {
    if (exception instanceof RequestValidationError) {
      return problem(400, 'validation', 'The request has invalid fields', { errors: exception.errors });
    }
    if (exception instanceof DomainError) return domainProblem(exception);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      if (status === 404) {
        return problem(
          404,
          'not-found',
          req.route ? String(message ?? 'Not found') : `No route ${req.method} ${req.path.replace(/\/actions\/[^/]+/, '/actions/…')}`,
        );
      }
      if (status === 503 && typeof response === 'object' && response !== null && 'details' in response) {
        // A failing readiness check: say which dependency is down (no secrets in these).
        return problem(503, 'not-ready', 'A dependency is unavailable', { checks: (response as { details: unknown }).details });
      }
      const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : undefined;
      // Body-parser refusals arrive wrapped by Nest's adapter, the parser's error as the cause.
      const parser = (exception.cause ?? exception) as { type?: string };
      if (status === 400 && parser.type === 'entity.parse.failed') {
        return problem(400, 'malformed-body', 'The body is not valid JSON', { errors: [{ path: 'body', message: 'is not valid JSON' }] });
      }
      if (status === 400 && parser.type === 'entity.encoding.invalid') {
        return problem(400, 'malformed-body', 'The body is not valid UTF-8', { errors: [{ path: 'body', message: 'is not valid UTF-8' }] });
      }
      return problem(status, slugOf(status), detail);
    }
    const bodyParserError = exception as { type?: string; status?: number };
    if (bodyParserError?.type === 'entity.parse.failed') {
      return problem(400, 'malformed-body', 'The body is not valid JSON', { errors: [{ path: 'body', message: 'is not valid JSON' }] });
    }
    if (bodyParserError?.type === 'entity.too.large') return problem(413, 'too-large', 'The body is too large');
    // The body parsers' other refusals (bad charset or encoding, not UTF-8, aborted): their status, a safe text.
    const parserStatus = bodyParserError?.status;
    if (typeof bodyParserError?.type === 'string' && typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500) {
      const detail = parserStatus === 415 ? 'The body’s charset or encoding is not supported' : 'The body could not be read';
      const slug = parserStatus === 400 ? 'malformed-body' : slugOf(parserStatus);
      return problem(
        parserStatus,
        slug,
        detail,
        parserStatus === 400 ? { errors: [{ path: 'body', message: 'is not valid UTF-8 JSON' }] } : {},
      );
    }
    if (isRetryable(exception) || isConnectionError(exception) || isBusy(exception)) {
      this.logger.warn({ err: describe(exception), requestId: req.id }, 'transient database failure');
      return problem(503, 'retry', 'Temporarily unavailable; retry the request', { correlationId: req.id });
    }
    this.logger.error({ err: describe(exception), requestId: req.id }, 'unhandled error');
    return problem(500, 'internal', undefined, { correlationId: req.id });
  }
}

/** The `WWW-Authenticate` of a 401 (RFC 6750 §3): `invalid_token` when a token was given and refused. */
export function wwwAuthenticate(invalidToken: boolean): string {
  return invalidToken ? 'Bearer realm="chairtime", error="invalid_token"' : 'Bearer realm="chairtime"';
}

/** Seconds until a throttled client may try again: the throttler's own header, the error's, or a minute. */
function retryAfterOf(exception: unknown, res: Response): number {
  const own = (exception as { retryAfterSeconds?: unknown })?.retryAfterSeconds;
  if (typeof own === 'number' && own > 0) return Math.ceil(own);
  // @nestjs/throttler names the header of a named limit `Retry-After-<name>`.
  let seconds = 0;
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (name.toLowerCase().startsWith('retry-after')) seconds = Math.max(seconds, Number(value) || 0);
  }
  return seconds > 0 ? Math.ceil(seconds) : 60;
}

/**
 * The field of a 400 that came without one (a Parse*Pipe on a path parameter): the first route
 * parameter that is not a UUID when the message is about UUIDs, else the request as a whole.
 */
function fieldOf(req: Request): string {
  const params = Object.entries(req.params ?? {});
  const notUuid = params.find(
    ([, v]) => typeof v === 'string' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  );
  return notUuid ? notUuid[0] : (params[0]?.[0] ?? 'request');
}

function slugOf(status: number): string {
  return (
    {
      401: 'unauthorized',
      403: 'forbidden',
      409: 'conflict',
      413: 'too-large',
      415: 'unsupported-media-type',
      422: 'rule-violation',
      429: 'rate-limited',
    }[status] ?? `http-${status}`
  );
}

/** Error name, code and stack only — driver errors embed parameters, which may be personal data. */
function describe(e: unknown): Record<string, unknown> {
  const err = e as { name?: string; code?: string; stack?: string; constraint?: string };
  return { name: err?.name, code: err?.code, constraint: err?.constraint, stack: err?.stack?.split('\n').slice(1, 7).join('\n') };
}
