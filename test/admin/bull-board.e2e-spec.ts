import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { Role } from '@chairtime/identity';
import { QueueName } from '@chairtime/jobs';
import { DataSource } from 'typeorm';
import { AuditEntry } from '@chairtime/audit';
import { RefreshToken } from '@chairtime/identity/entities';
import { asAdmin, bearer } from '../support/auth';
import { startApi } from '../support/api-app';
import { newUser } from '../support/identity-factories';

/**
 * Bull Board is Express middleware that the global access guard never sees: these prove the
 * admin check in front of it covers the page and the board's JSON API alike.
 */
describe('Bull Board at /admin/queues', () => {
  let api: INestApplication;

  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => api.close());

  it('serves the board and its queue API to an admin', async () => {
    const page = await request(api.getHttpServer()).get('/admin/queues').set(asAdmin(api));
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const queues = await request(api.getHttpServer()).get('/admin/queues/api/queues').set(asAdmin(api));
    expect(queues.status).toBe(200);
    const names = (queues.body as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toEqual(Object.values(QueueName).sort());
  });

  it.each([
    ['anonymous', () => ({}), 401],
    ['a forged token', () => ({ Authorization: 'Bearer not-a-token' }), 401],
    ['a scheduler', () => bearer(api, { role: Role.Scheduler }), 403],
    ['a clinician', () => bearer(api, { role: Role.Clinician }), 403],
  ])('refuses %s with problem+json, page and API alike', async (_who, headers, status) => {
    const calls = [
      ['get', '/admin/queues'],
      ['get', '/admin/queues/api/queues'],
      ['get', '/Admin/Queues/api/queues'],
      ['put', '/admin/queues/api/queues/messages/retry/failed'],
    ] as const;
    for (const [method, path] of calls) {
      const res = await request(api.getHttpServer())[method](path).set(headers());
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status });
      expect(res.text).not.toMatch(/messages|workflows|maintenance/);
    }
  });

  describe('a browser signs in at /admin/login', () => {
    const http = () => request(api.getHttpServer());
    const signIn = (email: string, password: string) => http().post('/admin/session').type('form').send({ email, password });
    const cookieOf = (res: request.Response): string | undefined =>
      ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('chairtime_admin='));

    it('serves the sign-in form, not cached', async () => {
      const page = await http().get('/admin/login').expect(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.text).toContain('action="/admin/session"');
      expect(page.text).not.toContain('role="alert"');
      expect((await http().get('/admin/login?failed').expect(200)).text).toContain('role="alert"');
    });

    it('an admin gets an HttpOnly, SameSite=Strict cookie for /admin that opens the board and its API; no refresh session stays', async () => {
      const admin = await newUser(api.get(DataSource), { role: 'admin' });
      const res = await signIn(admin.email, admin.password).expect(303);
      expect(res.headers.location).toBe('/admin/queues');
      const cookie = cookieOf(res)!;
      expect(cookie).toBeDefined();
      expect(cookie).toMatch(/; Path=\/admin/);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Strict/);
      expect(cookie).toMatch(/; Max-Age=\d+/);
      const pair = cookie.split(';')[0];
      expect((await http().get('/admin/queues').set('Cookie', pair).expect(200)).headers['content-type']).toMatch(/text\/html/);
      const queues = await http().get('/admin/queues/api/queues').set('Cookie', `other=1; ${pair}`).expect(200);
      expect((queues.body as { queues: unknown[] }).queues).toHaveLength(Object.values(QueueName).length);
      const sessions = await api
        .get(DataSource)
        .getRepository(RefreshToken)
        .find({ where: { userId: admin.id } });
      expect(sessions.length).toBeGreaterThan(0);
      expect(sessions.every((s) => s.revokedAt !== null)).toBe(true);

      const out = await http().post('/admin/logout').set('Cookie', pair).expect(303);
      expect(out.headers.location).toBe('/admin/login');
      expect(cookieOf(out)).toMatch(/^chairtime_admin=;.*Expires=Thu, 01 Jan 1970/);
      // The session ended with the sign-out: a kept copy of the cookie no longer opens the board.
      await http().get('/admin/queues/api/queues').set('Cookie', pair).expect(401);
    });

    it.each([
      ['a scheduler', 'scheduler'],
      ['a nurse', 'nurse'],
    ] as const)('%s with the right password gets no cookie and is sent back to the form; the refusal is audited', async (_who, role) => {
      const user = await newUser(api.get(DataSource), { role });
      const res = await signIn(user.email, user.password).expect(303);
      expect(res.headers.location).toBe('/admin/login?failed');
      expect(cookieOf(res)).toBeUndefined();
      const denied = await api
        .get(DataSource)
        .getRepository(AuditEntry)
        .find({ where: { actorId: user.id, action: 'authz.denied' } });
      expect(denied.map((d) => d.detail)).toEqual(['POST /admin/session (role)']);
    });

    it('a wrong password gets no cookie; a missing field is a 400 problem; a forged cookie is a 401 problem', async () => {
      const admin = await newUser(api.get(DataSource), { role: 'admin' });
      const wrong = await signIn(admin.email, 'not the password at all').expect(303);
      expect(wrong.headers.location).toBe('/admin/login?failed');
      expect(cookieOf(wrong)).toBeUndefined();
      const missing = await http().post('/admin/session').type('form').send({ email: admin.email }).expect(400);
      expect(missing.headers['content-type']).toMatch(/problem\+json/);
      for (const forged of ['chairtime_admin=not-a-token', 'chairtime_admin=%E0%A4%A']) {
        const res = await http().get('/admin/queues/api/queues').set('Cookie', forged).expect(401);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
      }
    });
  });
});
