import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { newClinic, newUser, startIdentityApi } from '../support/identity-factories';

/**
 * The browser session (issue 24 "Sign-in"): the refresh token in an HttpOnly, SameSite=Strict
 * cookie scoped to /v1/auth, asked for and presented with X-Requested-With: chairtime (CSRF).
 */
describe('identity: the browser session cookie (real Postgres)', () => {
  let app: INestApplication;
  let ds: DataSource;
  let config: AppConfig;
  const http = () => request(app.getHttpServer());
  const CSRF = { 'X-Requested-With': 'chairtime' };

  beforeAll(async () => {
    // The suite's app sits behind a (loopback) proxy it trusts, so X-Forwarded-Proto is believed.
    app = await startIdentityApi({ env: { TRUST_PROXY: 'loopback' } });
    ds = app.get(DataSource);
    config = app.get(APP_CONFIG);
  });
  afterAll(async () => app.close());

  /** The `chairtime_refresh` Set-Cookie line of a response, if any. */
  const setCookie = (res: request.Response): string | undefined =>
    ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('chairtime_refresh='));
  const cookieValue = (line: string): string => line.split(';')[0];

  async function browserLogin(headers: Record<string, string> = {}) {
    const clinic = await newClinic(ds);
    const u = await newUser(ds, { role: 'scheduler', clinicIds: [clinic.id] });
    const res = await http()
      .post('/v1/auth/login')
      .set({ ...CSRF, ...headers })
      .send({ email: u.email, password: u.password })
      .expect(200);
    return { res, cookie: cookieValue(setCookie(res)!), user: u };
  }

  it('login in cookie mode sets an HttpOnly, SameSite=Strict cookie on /v1/auth and keeps the refresh token out of the body', async () => {
    const { res } = await browserLogin();
    expect(res.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: config.accessTokenTtlSeconds });
    const line = setCookie(res)!;
    expect(line).toMatch(/; HttpOnly/);
    expect(line).toMatch(/; SameSite=Strict/);
    expect(line).toMatch(/; Path=\/v1\/auth(;|$)/);
    expect(line).toMatch(new RegExp(`; Max-Age=${config.refreshTokenTtlSeconds}`));
    expect(line).not.toMatch(/; Secure/); // plain HTTP
  });

  it('marks the cookie Secure when the request came over HTTPS (a loopback proxy says so)', async () => {
    const { res } = await browserLogin({ 'X-Forwarded-Proto': 'https' });
    expect(setCookie(res)).toMatch(/; Secure/);
  });

  it('a null refreshToken is no token: 400 naming it, not a server error (found by the fuzz test)', async () => {
    const res = await http().post('/v1/auth/refresh').send({ refreshToken: null }).expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'refreshToken' })]);
  });

  it('an API client (no header) still gets the refresh token in the body and no cookie', async () => {
    const u = await newUser(ds, { role: 'nurse' });
    const res = await http().post('/v1/auth/login').send({ email: u.email, password: u.password }).expect(200);
    expect(res.body.refreshToken).toEqual(expect.any(String));
    expect(setCookie(res)).toBeUndefined();
  });

  it('refresh reads the cookie, rotates it, and a page reload keeps the session', async () => {
    const { cookie } = await browserLogin();
    const first = await http().post('/v1/auth/refresh').set(CSRF).set('Cookie', cookie).send({}).expect(200);
    expect(first.body).toEqual({ accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: config.accessTokenTtlSeconds });
    const next = cookieValue(setCookie(first)!);
    expect(next).not.toBe(cookie);
    await http().get('/v1/me').set('Authorization', `Bearer ${first.body.accessToken}`).expect(200);
    await http().post('/v1/auth/refresh').set(CSRF).set('Cookie', next).send({}).expect(200);
  });

  it('refuses the cookie without the custom header (CSRF) and changes nothing', async () => {
    const { cookie } = await browserLogin();
    const refused = await http().post('/v1/auth/refresh').set('Cookie', cookie).send({}).expect(403);
    expect(refused.headers['content-type']).toMatch(/problem\+json/);
    expect(refused.body).toMatchObject({ status: 403, reason: 'csrf' });
    expect(setCookie(refused)).toBeUndefined();
    // The cookie was not rotated or revoked by the refused request.
    await http().post('/v1/auth/refresh').set(CSRF).set('Cookie', cookie).send({}).expect(200);
  });

  it('refuses the cookie from another site’s Origin even with the header', async () => {
    const { cookie } = await browserLogin();
    const refused = await http()
      .post('/v1/auth/refresh')
      .set(CSRF)
      .set('Origin', 'https://evil.example')
      .set('Cookie', cookie)
      .send({})
      .expect(403);
    expect(refused.body.reason).toBe('csrf');
    await http().post('/v1/auth/refresh').set(CSRF).set('Cookie', cookie).send({}).expect(200);
  });

  it('without a cookie, a browser refresh is 401 (no session) and an API call without a token stays a 400', async () => {
    const none = await http().post('/v1/auth/refresh').set(CSRF).send({}).expect(401);
    expect(none.body.detail).toMatch(/sign in/i);
    const bad = await http().post('/v1/auth/refresh').send({}).expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'refreshToken' })]);
  });

  it('logout clears the cookie and ends the session: the old cookie and the access token are refused', async () => {
    const { res, cookie } = await browserLogin();
    const access = `Bearer ${res.body.accessToken}`;
    const out = await http().post('/v1/auth/logout').set(CSRF).set('Authorization', access).set('Cookie', cookie).send({}).expect(204);
    const cleared = setCookie(out)!;
    expect(cleared).toMatch(/^chairtime_refresh=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect(cleared).toMatch(/; Path=\/v1\/auth/);
    await http().post('/v1/auth/refresh').set(CSRF).set('Cookie', cookie).send({}).expect(401);
    await http().get('/v1/me').set('Authorization', access).expect(401);
  });

  it('logout with the cookie but without the header is refused and the session lives on', async () => {
    const { res, cookie } = await browserLogin();
    await http().post('/v1/auth/logout').set('Authorization', `Bearer ${res.body.accessToken}`).set('Cookie', cookie).send({}).expect(403);
    await http().post('/v1/auth/refresh').set(CSRF).set('Cookie', cookie).send({}).expect(200);
  });
});
