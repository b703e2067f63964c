import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { startIdentityApi } from '../support/identity-factories';

/** ASVS L2 HTTP hygiene the identity issue relies on: CORS allow-list, headers, limits. */
describe('HTTP hardening (CORS, headers, body limit, global rate limit)', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startIdentityApi({
      env: { CORS_ORIGINS: 'https://app.chairtime.dev', THROTTLE_LIMIT_PER_MINUTE: '20', BODY_LIMIT: '2kb' },
    });
  });
  afterAll(async () => app.close());

  it('allows only the configured CORS origins', async () => {
    const ok = await http().options('/v1/me').set('Origin', 'https://app.chairtime.dev').set('Access-Control-Request-Method', 'GET');
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.chairtime.dev');
    const evil = await http().options('/v1/me').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends helmet headers and no x-powered-by', async () => {
    const res = await http().get('/health/live').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('refuses an oversized body with 413 problem+json before reaching the handler', async () => {
    const res = await http()
      .post('/v1/auth/login')
      .send({ email: 'a@b.dev', password: 'x'.repeat(4096) })
      .expect(413);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });

  it('documents the identity and audit routes in OpenAPI with bearer auth', async () => {
    const res = await http().get('/docs-json').expect(200);
    for (const path of ['/v1/auth/login', '/v1/auth/refresh', '/v1/auth/logout', '/v1/me', '/v1/users', '/v1/audit']) {
      expect(res.body.paths).toHaveProperty([path]);
    }
    expect(res.body.paths['/v1/users'].post.security).toEqual(expect.arrayContaining([{ bearer: [] }]));
    expect(res.body.paths['/v1/auth/login'].post.security).toEqual([]); // public, stated explicitly
  });

  it('applies the global per-address limit (THROTTLE_LIMIT_PER_MINUTE) with a 429 problem', async () => {
    let last = 0;
    for (let i = 0; i < 25 && last !== 429; i++) last = (await http().get('/health/live')).status;
    expect(last).toBe(429);
    const res = await http().get('/v1/me').expect(429);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
  });
});
