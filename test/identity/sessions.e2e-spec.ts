import { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { Metrics } from '@chairtime/observability';
import { FixedClock } from '@chairtime/domain';
import { newClinic, newUser, startIdentityApi, uniqueEmail } from '../support/identity-factories';

const OLD_CONSTANT_SECRET = 'chairtime-development-secret-not-for-production';

/** Issue 20, "Sessions and tokens": tokens that cannot be forged, throttling that cannot lock anyone out. */
describe('sessions and tokens (hand-forged tokens, throttling, proxies, headers)', () => {
  let app: INestApplication;
  let ds: DataSource;
  let config: AppConfig;
  const http = () => request(app.getHttpServer());
  const login = (email: string, password: string) => http().post('/v1/auth/login').send({ email, password });

  beforeAll(async () => {
    app = await startIdentityApi();
    ds = app.get(DataSource);
    config = app.get(APP_CONFIG);
  });
  afterAll(async () => app.close());

  const nowS = () => Math.floor(Date.now() / 1000);
  const forge = (claims: Record<string, unknown>, secret = config.jwtSecret, noTimestamp = false) =>
    new JwtService({ secret }).sign(
      { role: 'admin', clinics: [], pid: null, typ: 'access', ...claims },
      { algorithm: 'HS256', issuer: 'chairtime', audience: 'chairtime-api', noTimestamp },
    );
  const audit = (token: string) => http().get('/v1/audit').set('Authorization', `Bearer ${token}`);

  it('refuses an admin token signed with the constant secret of earlier versions (401, WWW-Authenticate invalid_token)', async () => {
    const admin = await newUser(ds, { role: 'admin' });
    const res = await audit(forge({ sub: admin.id, iat: nowS(), exp: nowS() + 60 }, OLD_CONSTANT_SECRET));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="chairtime", error="invalid_token"');
    expect(config.jwtSecret).not.toBe(OLD_CONSTANT_SECRET);
  });

  it('refuses a well-signed token whose sub matches no user, and one of a disabled user', async () => {
    await audit(forge({ sub: randomUUID(), iat: nowS(), exp: nowS() + 60 })).expect(401);
    const admin = await newUser(ds, { role: 'admin' });
    const token = forge({ sub: admin.id, iat: nowS(), exp: nowS() + 60 });
    await ds.query(`UPDATE app_user SET disabled = true WHERE id = $1`, [admin.id]);
    await audit(token).expect(401);
  });

  it('takes the role and clinics from the database: a token claiming admin for a scheduler acts as that scheduler', async () => {
    const clinic = await newClinic(ds);
    const scheduler = await newUser(ds, { role: 'scheduler', clinicIds: [clinic.id] });
    const token = forge({ sub: scheduler.id, role: 'admin', iat: nowS(), exp: nowS() + 60 });
    await audit(token).expect(403);
    const me = await http().get('/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(me.body).toMatchObject({ role: 'scheduler', clinicIds: [clinic.id] });
  });

  it('applies a role change to tokens already issued, within a few seconds', async () => {
    const admin = await newUser(ds, { role: 'admin' });
    const { accessToken } = (await login(admin.email, admin.password).expect(200)).body;
    await audit(accessToken).expect(200);
    const clinic = await newClinic(ds);
    await ds.query(`UPDATE app_user SET role = 'scheduler' WHERE id = $1`, [admin.id]);
    await ds.query(`INSERT INTO user_clinic (user_id, clinic_id) VALUES ($1, $2)`, [admin.id, clinic.id]);
    const deadline = Date.now() + 8_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await audit(accessToken)).status;
    }
    expect(status).toBe(403);
  });

  it('refuses tokens without exp, with a lifetime beyond ACCESS_TOKEN_TTL_SECONDS, or issued in the future', async () => {
    const admin = await newUser(ds, { role: 'admin' });
    const ttl = config.accessTokenTtlSeconds;
    await audit(forge({ sub: admin.id, iat: nowS(), exp: nowS() + ttl })).expect(200);
    await audit(forge({ sub: admin.id, iat: nowS() })).expect(401);
    await audit(forge({ sub: admin.id, exp: nowS() + 60 }, config.jwtSecret, true)).expect(401);
    await audit(forge({ sub: admin.id, iat: nowS(), exp: nowS() + ttl + 3600 })).expect(401);
    await audit(forge({ sub: admin.id, iat: nowS() + 600, exp: nowS() + 660 })).expect(401);
  });

  it('accepts the bearer scheme in any case, and every 401 says WWW-Authenticate: Bearer', async () => {
    const admin = await newUser(ds, { role: 'admin' });
    const token = forge({ sub: admin.id, iat: nowS(), exp: nowS() + 60 });
    await http().get('/v1/audit').set('Authorization', `bearer ${token}`).expect(200);
    await http().get('/v1/audit').set('Authorization', `BEARER ${token}`).expect(200);
    const anonymous = await http().get('/v1/audit').expect(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="chairtime"');
    const board = await http().get('/admin/queues').set('Authorization', 'Bearer nonsense').expect(401);
    expect(board.headers['www-authenticate']).toContain('error="invalid_token"');
    const badLogin = await login(uniqueEmail('nobody'), 'whatever-password').expect(401);
    expect(badLogin.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('sends Cache-Control: no-store on responses carrying tokens or patient data, errors included', async () => {
    const u = await newUser(ds, { role: 'nurse' });
    const ok = await login(u.email, u.password).expect(200);
    expect(ok.headers['cache-control']).toBe('no-store');
    const me = await http().get('/v1/me').set('Authorization', `Bearer ${ok.body.accessToken}`).expect(200);
    expect(me.headers['cache-control']).toBe('no-store');
    expect((await http().get('/v1/me').expect(401)).headers['cache-control']).toBe('no-store');
    expect((await http().get('/admin/login').expect(200)).headers['cache-control']).toBe('no-store');
  });

  it('lets an attacker’s five wrong passwords from source A not stop the owner signing in from source B (no lock-out)', async () => {
    // The clock stands still, so the delays cannot lapse while a slow machine runs the attempts.
    const proxied = await startIdentityApi({ env: { TRUST_PROXY: 'loopback' }, clock: new FixedClock(Date.now()) });
    try {
      const u = await newUser(ds, { role: 'clinician' });
      const from = (ip: string, password: string) =>
        request(proxied.getHttpServer()).post('/v1/auth/login').set('X-Forwarded-For', ip).send({ email: u.email, password });
      const attacker = [];
      const a = `203.0.113.${1 + Math.floor(Math.random() * 200)}`;
      for (let i = 0; i < 5; i++) attacker.push((await from(a, `wrong-password-${i}`)).status);
      expect(attacker.slice(0, 3)).toEqual([401, 401, 401]);
      expect(attacker.every((s) => s === 401 || s === 429)).toBe(true);
      await from('198.51.100.20', u.password).expect(200);
      // Source A waits (growing delays), even with the right password; the answer says how long.
      const throttled = await from(a, u.password).expect(429);
      expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
      expect(throttled.headers['content-type']).toMatch(/problem\+json/);
    } finally {
      await proxied.close();
    }
  });

  it('throttles a source spraying wrong passwords across accounts, logs and counts the alert; other sources go on', async () => {
    const proxied = await startIdentityApi({ env: { TRUST_PROXY: 'loopback', LOGIN_SOURCE_MAX_FAILURES: '5' } });
    try {
      const from = (ip: string, email: string) =>
        request(proxied.getHttpServer()).post('/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password: 'Winter2026!!' });
      const sprayer = `192.0.2.${1 + Math.floor(Math.random() * 200)}`;
      const before = (await proxied.get(Metrics).loginSprayingAlerts.get()).values[0]?.value ?? 0;
      for (let i = 0; i < 5; i++) await from(sprayer, uniqueEmail('victim')).expect(401);
      const refused = await from(sprayer, uniqueEmail('victim')).expect(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(60);
      expect((await proxied.get(Metrics).loginSprayingAlerts.get()).values[0]?.value).toBe(before + 1);
      await from('198.51.100.77', uniqueEmail('victim')).expect(401);
    } finally {
      await proxied.close();
    }
  });

  it('trusts X-Forwarded-For only from proxies TRUST_PROXY names: rotating it from loopback does not escape the per-client limit', async () => {
    const limited = await startIdentityApi({ env: { THROTTLE_LIMIT_PER_MINUTE: '5' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        statuses.push((await request(limited.getHttpServer()).get('/health/live').set('X-Forwarded-For', `10.9.0.${i}`)).status);
      }
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses.slice(5)).toEqual([429, 429, 429]);
      const res = await request(limited.getHttpServer()).get('/health/live').expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  describe('admin sign-in form', () => {
    it('refuses a cross-origin post (403) and accepts a same-origin one or one from a non-browser', async () => {
      const admin = await newUser(ds, { role: 'admin' });
      const form = () => http().post('/admin/session').type('form').send({ email: admin.email, password: admin.password });
      const evil = await form().set('Origin', 'https://evil.example').expect(403);
      expect(evil.headers['content-type']).toMatch(/problem\+json/);
      expect(evil.headers['set-cookie']).toBeUndefined();
      await form().set('Referer', 'https://evil.example/page').expect(403);
      const same = await form().set('Origin', 'http://127.0.0.1').set('Host', '127.0.0.1').expect(303);
      expect(same.headers['set-cookie']).toBeDefined();
      await form().expect(303); // curl or a script: no Origin, no Referer
    });

    it('marks the cookie Secure when the request came over HTTPS through a trusted proxy', async () => {
      const proxied = await startIdentityApi({ env: { TRUST_PROXY: 'loopback' } });
      try {
        const admin = await newUser(ds, { role: 'admin' });
        const form = () =>
          request(proxied.getHttpServer()).post('/admin/session').type('form').send({ email: admin.email, password: admin.password });
        const https = await form().set('X-Forwarded-Proto', 'https').expect(303);
        expect(String(https.headers['set-cookie'])).toMatch(/;\s*Secure/i);
        const plain = await form().expect(303);
        expect(String(plain.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
      } finally {
        await proxied.close();
      }
      // Without TRUST_PROXY nobody may claim HTTPS by header: no Secure from a forged X-Forwarded-Proto.
      const admin = await newUser(ds, { role: 'admin' });
      const untrusted = await http()
        .post('/admin/session')
        .type('form')
        .set('X-Forwarded-Proto', 'https')
        .send({ email: admin.email, password: admin.password })
        .expect(303);
      expect(String(untrusted.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
    });
  });
});
