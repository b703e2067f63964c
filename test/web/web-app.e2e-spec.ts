import { INestApplication } from '@nestjs/common';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startApi } from '../support/api-app';

/**
 * The web app served by the API on its own port: pages fall back to index.html, the API's own
 * paths keep their problem+json 404, hashed assets are cached long, pages carry a strict CSP.
 * A small stand-in build (index.html with the nonce placeholder, one hashed asset) keeps this
 * test independent of Vite; the browser tests run the real build.
 */
describe('web app: served at / by the API', () => {
  let app: INestApplication;
  let dist: string;
  const http = () => request(app.getHttpServer());
  const INDEX = '<!doctype html><html lang="en"><head><meta name="csp-nonce" content="__CSP_NONCE__"></head><body>app</body></html>';

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'chairtime-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'index-AbC123xy.js'), 'console.log(1)');
    app = await startApi({ WEB_DIST_DIR: dist });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it.each([
    '/',
    '/board',
    '/tasks',
    '/patients/9b2f6f4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
    '/screenings',
    '/setup',
    '/portal',
    '/portal/invite/abc',
    '/a/some.token',
  ])('%s answers index.html, not cached, with a fresh nonce in a strict CSP and no referrer', async (path) => {
    const res = await http().get(path).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const csp = res.headers['content-security-policy'];
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(res.text).toContain(`content="${nonce}"`);
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });

  it('gives every page load its own nonce', async () => {
    const [a, b] = await Promise.all([http().get('/board'), http().get('/board')]);
    expect(a.headers['content-security-policy']).not.toBe(b.headers['content-security-policy']);
  });

  it('serves hashed assets with a year-long immutable cache', async () => {
    const res = await http().get('/assets/index-AbC123xy.js').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.text).toBe('console.log(1)');
  });

  it.each([
    '/v1/nothing-here',
    '/docs/nothing',
    '/health/nothing',
    '/admin/nothing',
    '/fhir/R4/Nothing',
    '/assets/missing.js',
    '/unknown-page',
    '/assets/..%2Findex.html',
  ])('%s is not a page: the API answers its problem+json 404', async (path) => {
    const res = await http().get(path).expect(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('leaves the API alone: /health/live, /metrics and /docs-json answer as before', async () => {
    await http().get('/health/live').expect(200);
    const metrics = await http().get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    const docs = await http().get('/docs-json').expect(200);
    expect(docs.body.openapi).toMatch(/^3\./);
  });

  it('without a build the API still starts and / says to build', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'chairtime-web-none-'));
    const bare = await startApi({ WEB_DIST_DIR: empty });
    try {
      const res = await request(bare.getHttpServer()).get('/').expect(200);
      expect(res.text).toContain('npm run build');
      expect(res.text).toMatch(/<html lang="en">/);
      await request(bare.getHttpServer()).get('/health/live').expect(200);
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
