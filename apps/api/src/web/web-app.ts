import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';

/**
 * Paths the web app owns: the staff console and the patient portal (UI.md). Only these fall back
 * to index.html; everything else (`/v1`, `/docs`, `/health`, `/metrics`, `/admin`, `/fhir`, and
 * any unknown path) stays the API's and keeps its problem+json 404.
 */
const PAGE_ROUTES = [
  /^\/$/,
  /^\/board\/?$/,
  /^\/tasks\/?$/,
  /^\/patients\/[^/]+\/?$/,
  /^\/screenings\/?$/,
  /^\/setup\/?$/,
  /^\/portal(\/.*)?$/,
  /^\/a\/[^/]+\/?$/,
];

/** Hashed build output (Vite names every file in assets/ by its content): cached for a year. */
const ASSET_PREFIX = '/assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The tag index.html's nonce placeholder is written as (see apps/web/index.html). */
const NONCE_PLACEHOLDER = /__CSP_NONCE__/g;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export function isPageRoute(path: string): boolean {
  return PAGE_ROUTES.some((r) => r.test(path));
}

/**
 * The pages' Content-Security-Policy. Scripts only from this origin (Vite emits no inline
 * script); styles from this origin plus the `<style>` tags Mantine injects for its CSS variables,
 * admitted by a per-response nonce the app hands to MantineProvider (`getStyleNonce`). React sets
 * `style` through the CSSOM, which CSP does not restrict, so no 'unsafe-inline' is needed.
 */
export function pageCsp(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const MISSING_BUILD =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Chairtime — web app not built</title></head>' +
  '<body><h1>The Chairtime web app is not built</h1><p>Run <code>npm run build</code> (or <code>npm start</code>, which builds it), ' +
  'then reload. The API is running: <a href="/docs">/docs</a>.</p></body></html>';

function pageHeaders(res: Response, nonce: string): void {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Content-Security-Policy', pageCsp(nonce));
  // One-tap links carry their token in the path: never hand it to another site.
  res.setHeader('Referrer-Policy', 'no-referrer');
}

/**
 * Express middleware serving the built web app (`WEB_DIST_DIR`, default dist/web) on the API's
 * port: hashed assets with a long cache, index.html (no-cache, fresh nonce) for page routes.
 * Without a build the API still runs; page routes answer a short page saying to build.
 */
export function webApp(distDir: string) {
  const logger = new Logger('WebApp');
  const indexPath = join(distDir, 'index.html');
  const built = existsSync(indexPath);
  if (!built) logger.warn(`web app not built (${indexPath} missing): pages answer a "run npm run build" notice`);
  // Read once: a rebuild needs a restart, as the API's own code does.
  const indexHtml = built ? readFileSync(indexPath, 'utf8') : null;
  const root = normalize(distDir + sep);
  // Build files never change while the process runs: read each once.
  const files = new Map<string, Buffer>();

  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = req.path;
    if (isPageRoute(path)) {
      const nonce = randomBytes(16).toString('base64');
      pageHeaders(res, nonce);
      res.status(200).send(indexHtml === null ? MISSING_BUILD : indexHtml.replace(NONCE_PLACEHOLDER, nonce));
      return;
    }
    if (!built || !isStaticFile(path)) return next();
    const file = normalize(join(distDir, decodeURIComponentSafe(path)));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return next();
    const ext = file.slice(file.lastIndexOf('.'));
    res.setHeader('Content-Type', CONTENT_TYPES[ext] ?? 'application/octet-stream');
    res.setHeader('Cache-Control', path.startsWith(ASSET_PREFIX) ? IMMUTABLE : 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    let body = files.get(file);
    if (!body) files.set(file, (body = readFileSync(file)));
    res.status(200).send(body);
  };
}

/** Files of the build: everything under assets/, and a few root files (favicon). */
function isStaticFile(path: string): boolean {
  return path.startsWith(ASSET_PREFIX) ? /^\/assets\/[\w.-]+$/.test(path) : /^\/[\w-]+\.(svg|ico|png|txt)$/.test(path);
}

function decodeURIComponentSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return '/\0';
  }
}
