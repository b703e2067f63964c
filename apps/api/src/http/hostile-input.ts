import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { problem } from './problem';

/**
 * Deepest nesting of objects and arrays a request body may have. No DTO nests beyond 4 levels;
 * class-transformer and class-validator recurse per level, so a body of thousands of levels
 * (a few KB of `[[[[…`) overflowed their stack and answered 500 on every JSON route.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * Routes that take an HTML form (`application/x-www-form-urlencoded`): the SMS provider's
 * webhook (Twilio posts forms and signs exactly what it posted) and the admin sign-in pages.
 * Every other route takes JSON only.
 */
export const FORM_ROUTES: readonly string[] = ['/v1/inbound/sms', '/admin/session', '/admin/logout'];

type FieldError = { path: string; message: string };

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored: Postgres refuses U+0000 in text, and a lone surrogate has no UTF-8 form. */
export function badText(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain a NUL character (U+0000)';
  if (LONE_SURROGATE.test(s)) return 'must not contain a lone UTF-16 surrogate';
  return null;
}

/**
 * The body parser's `verify`: bytes that are not UTF-8 would be decoded as U+FFFD and stored as
 * such, so they are refused before parsing (a 400 through the problem filter).
 */
export function verifyUtf8(_req: IncomingMessage, _res: unknown, buf: Buffer): void {
  if (buf.length > 0 && !isUtf8(buf)) {
    throw Object.assign(new Error('The body is not valid UTF-8'), { status: 400, type: 'entity.encoding.invalid' });
  }
}

/**
 * The first problems of a parsed body: keys and strings that cannot be stored, and nesting
 * deeper than {@link MAX_BODY_DEPTH}. Iterative, so a hostile depth cannot overflow this walk.
 */
export function inspectBody(body: unknown, maxDepth = MAX_BODY_DEPTH): FieldError[] {
  const errors: FieldError[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 0 }];
  while (stack.length > 0 && errors.length < 20) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const why = badText(value);
      if (why) errors.push({ path: path || 'body', message: why });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) {
      errors.push({ path: path || 'body', message: `nests deeper than ${maxDepth} levels` });
      continue;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push({ value: v, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    for (const [key, v] of Object.entries(value)) {
      const keyWhy = badText(key);
      const child = path === '' ? key : `${path}.${key}`;
      if (keyWhy) {
        errors.push({ path: safePath(child), message: `has a key that ${keyWhy}` });
        continue;
      }
      stack.push({ value: v, path: child, depth: depth + 1 });
    }
  }
  return errors.map((e) => ({ ...e, path: safePath(e.path) }));
}

/** A path echoed back must itself be storable and printable (a NUL key must not leak into logs as-is). */
function safePath(path: string): string {
  return path.replaceAll('\u0000', '\\u0000').replace(/[\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** The raw query string's fields: a `%ED%A0%80` would otherwise be decoded to U+FFFD silently. */
function inspectQuery(rawUrl: string): FieldError[] {
  const at = rawUrl.indexOf('?');
  if (at < 0) return [];
  const errors: FieldError[] = [];
  for (const part of rawUrl.slice(at + 1).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const key = decode(rawKey);
    const name = key === null || badText(key) ? safePath(key ?? rawKey) : key;
    if (key === null || badText(key)) {
      errors.push({ path: name, message: 'is not a valid parameter name (NUL, lone surrogate or bad percent-encoding)' });
      continue;
    }
    const value = decode(rawValue);
    if (value === null) errors.push({ path: name, message: 'is not valid percent-encoded UTF-8' });
    else {
      const why = badText(value);
      if (why) errors.push({ path: name, message: why });
    }
  }
  return errors;
}

/** Each path segment, decoded as the router will decode it. */
function inspectPath(rawUrl: string): FieldError[] {
  const path = rawUrl.split('?')[0];
  const errors: FieldError[] = [];
  path.split('/').forEach((segment, i) => {
    const value = decode(segment, false);
    const why = value === null ? 'is not valid percent-encoded UTF-8' : badText(value);
    if (why) errors.push({ path: `path[${i}]`, message: `segment ${why}` });
  });
  return errors;
}

function decode(s: string, plusIsSpace = true): string | null {
  try {
    return decodeURIComponent(plusIsSpace ? s.replace(/\+/g, ' ') : s);
  } catch {
    return null;
  }
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function isJson(req: Request): boolean {
  return req.is(['application/json', 'application/*+json']) !== false;
}

/**
 * Runs after the body parsers and before routing, so a refused request reaches no guard, pipe,
 * handler or database (nothing to audit, nothing to store): a body in a type the route does not
 * take is a 415; a NUL or lone surrogate in a path segment, query field or body key or string, or
 * a body nested deeper than {@link MAX_BODY_DEPTH}, is a 400 naming the field.
 */
export function refuseHostileInput() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const rawUrl = req.originalUrl ?? req.url;
    const route = rawUrl.split('?')[0].replace(/\/+$/, '');
    if (hasBody(req) && !isJson(req) && !(FORM_ROUTES.includes(route) && req.is('application/x-www-form-urlencoded'))) {
      const taken = FORM_ROUTES.includes(route) ? 'application/x-www-form-urlencoded' : 'application/json';
      const body = problem(415, 'unsupported-media-type', `This route takes ${taken} bodies`);
      return void res.status(415).type('application/problem+json').send(JSON.stringify(body));
    }
    const errors = [...inspectPath(rawUrl), ...inspectQuery(rawUrl), ...inspectBody(req.body)];
    if (errors.length === 0) return next();
    const body = problem(400, 'validation', 'The request has invalid fields', { errors });
    res.status(400).type('application/problem+json').send(JSON.stringify(body));
  };
}
