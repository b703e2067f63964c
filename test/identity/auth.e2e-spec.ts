import { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { AuditEntry } from '@chairtime/audit';
import { AppUser, RefreshToken } from '@chairtime/identity/entities';
import { Role } from '@chairtime/identity';
import { FixedClock } from '@chairtime/domain';
import { asAdmin, bearer } from '../support/auth';
import { newClinic, newPatient, newUser, startIdentityApi, uniqueEmail } from '../support/identity-factories';

describe('identity: sign-in, tokens, users (real Postgres)', () => {
  let app: INestApplication;
  let ds: DataSource;
  let config: AppConfig;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startIdentityApi();
    ds = app.get(DataSource);
    config = app.get(APP_CONFIG);
  });
  afterAll(async () => app.close());

  const login = (email: string, password: string) => http().post('/v1/auth/login').send({ email, password });

  it('signs in, returns a token pair, and /v1/me describes the caller', async () => {
    const clinic = await newClinic(ds);
    const u = await newUser(ds, { role: 'scheduler', clinicIds: [clinic.id] });
    const res = await login(u.email.toUpperCase(), u.password).expect(200);
    expect(res.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: config.accessTokenTtlSeconds,
      refreshToken: expect.any(String),
    });
    const me = await http().get('/v1/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
    expect(me.body).toEqual({ id: u.id, email: u.email, role: 'scheduler', clinicIds: [clinic.id], patientId: null });
  });

  it('answers a wrong password and an unknown email the same way, and audits both', async () => {
    const u = await newUser(ds, { role: 'nurse' });
    const wrong = await login(u.email, 'not the password!!').expect(401);
    const unknown = await login(uniqueEmail('ghost'), 'not the password!!').expect(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.headers['content-type']).toMatch(/problem\+json/);
    const rows = await ds.getRepository(AuditEntry).find({ where: { action: 'auth.login', outcome: 'failure' } });
    expect(rows.some((r) => r.actorId === u.id && r.detail === 'bad-password')).toBe(true);
    expect(rows.some((r) => r.actorId === null && r.detail === 'unknown-account')).toBe(true);
    // Audit rows never carry the email.
    expect(JSON.stringify(rows)).not.toContain(u.email);
  });

  it('never locks an account: after wrong passwords from one source the pair waits (growing delays, 429 + Retry-After), audited', async () => {
    // The clock stands still, so the delays cannot lapse while a slow machine runs the attempts.
    const frozen = await startIdentityApi({ clock: new FixedClock(Date.now()) });
    try {
      const attempt = (email: string, password: string) => request(frozen.getHttpServer()).post('/v1/auth/login').send({ email, password });
      const u = await newUser(ds, { role: 'clinician' });
      const statuses: number[] = [];
      for (let i = 0; i < config.loginFreeFailures + 2; i++) statuses.push((await attempt(u.email, `wrong-password-${i}`)).status);
      expect(statuses).toEqual([...Array(config.loginFreeFailures + 1).fill(401), 429]);
      const waiting = await attempt(u.email, u.password).expect(429);
      expect(waiting.body).toMatchObject({ status: 429, detail: 'Too many attempts; try again later' });
      expect(Number(waiting.headers['retry-after'])).toBeGreaterThan(0);
      const denied = await ds.getRepository(AuditEntry).find({ where: { actorId: u.id, action: 'auth.login', outcome: 'denied' } });
      expect(denied.map((d) => d.detail)).toContain('throttled');
      // The throttle is keyed by (account, source), hashed: no email is stored with it.
      const rows = await ds.query<{ key: string }[]>(`SELECT key FROM login_failure`);
      expect(JSON.stringify(rows)).not.toContain(u.email);
    } finally {
      await frozen.close();
    }
  });

  it('limits sign-in attempts per address and email (429 problem); another email from the same address is not affected', async () => {
    const email = uniqueEmail('spray');
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await login(email, 'whatever-password')).status);
    expect(statuses.slice(0, config.loginFreeFailures).every((s) => s === 401)).toBe(true);
    const limited = await login(email, 'whatever-password').expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await login(uniqueEmail('other'), 'whatever-password').expect(401);
  });

  it('rejects a token with a flipped signature byte and an expired token with 401', async () => {
    const good = bearer(app, { role: Role.Admin }).Authorization.slice(7);
    const [h, p, s] = good.split('.');
    const flipped = `${h}.${p}.${s.slice(0, 5)}${s[5] === 'A' ? 'B' : 'A'}${s.slice(6)}`;
    await http().get('/v1/me').set('Authorization', `Bearer ${flipped}`).expect(401);
    const jwt = new JwtService({ secret: config.jwtSecret });
    const past = Math.floor(Date.now() / 1000) - 3600;
    const expired = jwt.sign(
      { sub: '00000000-0000-4000-8000-000000000000', role: 'admin', clinics: [], pid: null, typ: 'access', iat: past - 60, exp: past },
      { algorithm: 'HS256', issuer: 'chairtime', audience: 'chairtime-api' },
    );
    await http().get('/v1/me').set('Authorization', `Bearer ${expired}`).expect(401);
    const noneAlg = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    await http().get('/v1/me').set('Authorization', `Bearer ${noneAlg}`).expect(401);
    await http().get('/v1/me').expect(401);
  });

  it('rotates refresh tokens; reusing a rotated one revokes the whole family', async () => {
    const u = await newUser(ds, { role: 'nurse' });
    const first = (await login(u.email, u.password).expect(200)).body;
    const second = (await http().post('/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200)).body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await http().get('/v1/me').set('Authorization', `Bearer ${second.accessToken}`).expect(200);

    await http().post('/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
    // The legitimate successor died with the family, and so did the session's access tokens.
    await http().post('/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
    await http().get('/v1/me').set('Authorization', `Bearer ${second.accessToken}`).expect(401);
    const family = await ds.getRepository(RefreshToken).find({ where: { userId: u.id } });
    expect(family.length).toBe(2);
    expect(family.every((t) => t.revokedAt !== null)).toBe(true);
    expect(await ds.getRepository(AuditEntry).count({ where: { actorId: u.id, action: 'auth.refresh.reuse' } })).toBe(1);
  });

  it("logout revokes the session, its refresh token and its access tokens; the same user's other sessions go on; unknown refresh tokens are 401", async () => {
    const u = await newUser(ds, { role: 'scheduler' });
    const pair = (await login(u.email, u.password).expect(200)).body;
    const otherDevice = (await login(u.email, u.password).expect(200)).body;
    await http().get('/v1/me').set('Authorization', `Bearer ${pair.accessToken}`).expect(200);
    await http()
      .post('/v1/auth/logout')
      .set('Authorization', `Bearer ${pair.accessToken}`)
      .send({ refreshToken: pair.refreshToken })
      .expect(204);
    await http().post('/v1/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
    await http().get('/v1/me').set('Authorization', `Bearer ${pair.accessToken}`).expect(401);
    await http().get('/v1/me').set('Authorization', `Bearer ${otherDevice.accessToken}`).expect(200);
    await http().post('/v1/auth/refresh').send({ refreshToken: otherDevice.refreshToken }).expect(200);
    await http()
      .post('/v1/auth/refresh')
      .send({ refreshToken: 'x'.repeat(43) })
      .expect(401);
    // The database keeps only hashes of refresh tokens.
    expect(await ds.getRepository(RefreshToken).count({ where: { tokenHash: pair.refreshToken } })).toBe(0);
  });

  it('a sign-out in one API process ends the session in another within its read interval', async () => {
    const other = await startIdentityApi({ env: { SESSION_REVOCATION_POLL_MS: '100' } });
    try {
      const u = await newUser(ds, { role: 'nurse' });
      const pair = (await login(u.email, u.password).expect(200)).body;
      const me = () => request(other.getHttpServer()).get('/v1/me').set('Authorization', `Bearer ${pair.accessToken}`);
      await me().expect(200); // verified and remembered there
      await http()
        .post('/v1/auth/logout')
        .set('Authorization', `Bearer ${pair.accessToken}`)
        .send({ refreshToken: pair.refreshToken })
        .expect(204);
      const deadline = Date.now() + 5_000;
      let status = 200;
      while (status === 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        status = (await me()).status;
      }
      expect(status).toBe(401);
      const rows = await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM session_revocation WHERE expires_at > now()`);
      expect(Number(rows[0].n)).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });

  describe('POST /v1/users', () => {
    it('creates staff and patient users (201) that can sign in; 409 on a duplicate email in any case', async () => {
      const clinic = await newClinic(ds);
      const email = uniqueEmail('Staff');
      const res = await http()
        .post('/v1/users')
        .set(asAdmin(app))
        .send({ email, password: 'a-long-enough-password', role: 'nurse', clinicIds: [clinic.id] })
        .expect(201);
      expect(res.body).toMatchObject({ email, role: 'nurse', clinicIds: [clinic.id], patientId: null });
      expect(res.body).not.toHaveProperty('passwordHash');
      await login(email, 'a-long-enough-password').expect(200);
      await http()
        .post('/v1/users')
        .set(asAdmin(app))
        .send({ email: email.toUpperCase(), password: 'a-long-enough-password', role: 'nurse', clinicIds: [clinic.id] })
        .expect(409);

      const patient = await newPatient(ds, clinic.id);
      const p = await http()
        .post('/v1/users')
        .set(asAdmin(app))
        .send({ email: uniqueEmail('pt'), password: 'a-long-enough-password', role: 'patient', patientId: patient.id })
        .expect(201);
      expect(p.body).toMatchObject({ role: 'patient', patientId: patient.id, clinicIds: [clinic.id] });
      const audit = await ds.getRepository(AuditEntry).findOneByOrFail({ action: 'user.create', resourceId: p.body.id });
      expect(audit).toMatchObject({ patientId: patient.id, clinicId: clinic.id, outcome: 'success' });
    });

    it.each([
      [{ password: 'short', role: 'nurse', clinicIds: ['CLINIC'] }, 'password'],
      [{ password: 'a-long-enough-password', role: 'nurse' }, 'clinicIds'],
      [{ password: 'a-long-enough-password', role: 'patient' }, 'patientId'],
      [{ password: 'a-long-enough-password', role: 'superuser' }, 'role'],
      [{ password: 'a-long-enough-password', role: 'nurse', clinicIds: ['00000000-0000-4000-8000-000000000000'] }, 'clinicIds'],
      [{ password: 'a-long-enough-password', role: 'admin', isAdmin: true }, 'isAdmin'],
    ])('refuses %j naming %s, writing nothing', async (body, path) => {
      const clinic = await newClinic(ds);
      const email = uniqueEmail('bad');
      const payload = JSON.parse(JSON.stringify(body).replace('CLINIC', clinic.id)) as Record<string, unknown>;
      const res = await http()
        .post('/v1/users')
        .set(asAdmin(app))
        .send({ email, ...payload })
        .expect(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await ds.getRepository(AppUser).count({ where: { email } })).toBe(0);
    });

    it('is admin-only: 403 for a scheduler, 401 anonymous', async () => {
      const clinic = await newClinic(ds);
      const body = { email: uniqueEmail(), password: 'a-long-enough-password', role: 'nurse', clinicIds: [clinic.id] };
      await http()
        .post('/v1/users')
        .set(bearer(app, { role: Role.Scheduler, clinicIds: [clinic.id] }))
        .send(body)
        .expect(403);
      await http().post('/v1/users').send(body).expect(401);
    });
  });

  describe('SQL metacharacters are data, never SQL', () => {
    const nasty = ["'; DROP TABLE app_user; --", '%', '\\', "x' OR '1'='1"];

    it.each(nasty)('login with email/password %j is a plain 401 (or 400) and app_user survives', async (s) => {
      const res = await login(s, s);
      expect([400, 401]).toContain(res.status);
      const res2 = await login(`${s}@x.dev`, `${s}${s}${s}`);
      expect([400, 401]).toContain(res2.status);
      expect(await ds.query('SELECT count(*)::int AS n FROM app_user')).toEqual([{ n: expect.any(Number) }]);
    });

    it('stores them verbatim where the field allows them and refuses them where it does not', async () => {
      const clinic = await newClinic(ds);
      const password = "'; DROP TABLE app_user; -- %\\_";
      // ' and % are legal in an email's local part: stored and matched verbatim.
      const email = `o'brien%--${Date.now()}@test.chairtime.dev`;
      const res = await http()
        .post('/v1/users')
        .set(asAdmin(app))
        .send({ email, password, role: 'scheduler', clinicIds: [clinic.id] })
        .expect(201);
      const row = await ds.getRepository(AppUser).findOneByOrFail({ id: res.body.id });
      expect(row.email).toBe(email);
      await login(email, password).expect(200);
      await login(email.replace('%', 'x'), password).expect(401);
      // A wildcard must not match other accounts when looking up by email.
      await login('%', password).expect(401);
      await login(`o'brien%`, password).expect(401);
      // Not an email (spaces, semicolons, backslash): refused as bad input, nothing written.
      for (const bad of ["x'; drop table app_user; --@evil.dev", 'a\\b@evil.dev']) {
        const r = await http()
          .post('/v1/users')
          .set(asAdmin(app))
          .send({ email: bad, password, role: 'scheduler', clinicIds: [clinic.id] })
          .expect(400);
        expect(r.body.errors).toEqual([{ path: 'email', message: 'must be an email address' }]);
      }
      expect((await ds.query("SELECT to_regclass('public.app_user') AS t"))[0].t).toBe('app_user');
    });
  });
});
