import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { Role } from '@chairtime/identity';
import { QueueName } from '@chairtime/jobs';
import { asAdmin, bearer } from '../support/auth';
import { startApi } from '../support/api-app';

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
});
