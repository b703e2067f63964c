import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import Redis from 'ioredis';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { Metrics, metricsKey, publishMetrics } from '@chairtime/observability';
import { pgPool } from '@chairtime/persistence';
import { startApi } from '../support/api-app';
import { TcpProxy, viaProxy } from '../support/tcp-proxy';

/** Polls readiness until it reports `status` or `ms` pass; returns the last status seen. */
async function readinessBecomes(app: INestApplication, status: number, ms = 5000): Promise<number> {
  const until = Date.now() + ms;
  let last = 0;
  while (Date.now() < until) {
    last = (await request(app.getHttpServer()).get('/health/ready')).status;
    if (last === status) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

describe('health (real Postgres and Redis)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApi();
  });
  afterAll(async () => app.close());

  it('is live', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
  });

  it('is ready when Postgres, Redis and migrations are', async () => {
    const res = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(res.body.details).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' }, migrations: { status: 'up' } });
  });

  it('answers an unknown route with problem+json 404', async () => {
    const res = await request(app.getHttpServer()).get('/v1/no-such-thing').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found', type: expect.stringContaining('not-found') });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js|stack/i);
  });

  it('answers malformed JSON with a 400 problem, not a stack trace', async () => {
    const res = await request(app.getHttpServer()).post('/v1/no-such-thing').set('content-type', 'application/json').send('{"a":');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('serves metrics and the OpenAPI document', async () => {
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toContain('http_request_duration_seconds');
    expect(metrics.text).toContain('queue_jobs');
    // A worker's published metrics are merged into the API's scrape.
    const worker = new Metrics('worker');
    worker.messageLateness.observe({ channel: 'log' }, 0.25);
    const redis = new Redis(process.env.REDIS_URL!);
    await publishMetrics(redis, metricsKey(process.env.QUEUE_PREFIX!), `test-${process.pid}`, worker.registry, Date.now());
    redis.disconnect();
    const merged = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(merged.text).toMatch(/message_lateness_seconds_count\{[^}]*app="worker"[^}]*\} 1/);
    const doc = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
  });

  it('reports the database pool at scrape time, requests waiting for a connection included', async () => {
    const pool = pgPool(app.get(DataSource)) as Pool;
    const gauge = async (state: string): Promise<number> => {
      const text = (await request(app.getHttpServer()).get('/metrics').expect(200)).text;
      const m = new RegExp(`^db_pool_connections\\{[^}]*state="${state}"[^}]*\\} (\\d+)$`, 'm').exec(text);
      if (!m) throw new Error(`no db_pool_connections{state="${state}"} in the scrape`);
      return Number(m[1]);
    };
    // The API role's default size: no DATABASE_POOL_SIZE in the test environment.
    expect(await gauge('max')).toBe(6);
    // Every connection taken, one request queues for the next; /metrics itself needs none.
    const held = await Promise.all(Array.from({ length: pool.options.max ?? 0 }, () => pool.connect()));
    try {
      expect(await gauge('idle')).toBe(0);
      expect(await gauge('total')).toBe(6);
      const queued = request(app.getHttpServer())
        .get('/health/ready')
        .then((r) => r.status);
      await new Promise((r) => setTimeout(r, 200));
      expect(await gauge('waiting')).toBeGreaterThanOrEqual(1);
      held.forEach((c) => c.release());
      held.length = 0;
      expect(await queued).toBe(200);
    } finally {
      held.forEach((c) => c.release());
    }
    expect(await gauge('waiting')).toBe(0);
  });
});

describe('readiness follows its dependencies', () => {
  const pgUrl = new URL(process.env.DATABASE_URL!);
  const redisUrl = new URL(process.env.REDIS_URL!);
  const pgProxy = new TcpProxy(pgUrl.hostname, Number(pgUrl.port || 5432));
  const redisProxy = new TcpProxy(redisUrl.hostname, Number(redisUrl.port || 6379));
  let app: INestApplication;

  beforeAll(async () => {
    await pgProxy.start();
    await redisProxy.start();
    app = await startApi({
      DATABASE_URL: viaProxy(process.env.DATABASE_URL!, pgProxy.port),
      REDIS_URL: viaProxy(process.env.REDIS_URL!, redisProxy.port),
    });
  });
  afterAll(async () => {
    await pgProxy.restore().catch(() => undefined);
    await redisProxy.restore().catch(() => undefined);
    // Let every client finish reconnecting: closing one mid-reconnect leaves a retry timer behind.
    await new Promise((r) => setTimeout(r, 2500));
    await app.close();
    await pgProxy.stop();
    await redisProxy.stop();
  });

  it('turns 503 within 5 s when Redis goes away and 200 when it returns', async () => {
    expect(await readinessBecomes(app, 200)).toBe(200);
    await redisProxy.cut();
    expect(await readinessBecomes(app, 503)).toBe(503);
    const down = await request(app.getHttpServer()).get('/health/ready');
    expect(down.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(down.body.checks).toMatchObject({ redis: { status: 'down' }, postgres: { status: 'up' } });
    await redisProxy.restore();
    expect(await readinessBecomes(app, 200, 10_000)).toBe(200);
  });

  it('turns 503 within 5 s when Postgres goes away and 200 when it returns', async () => {
    await pgProxy.cut();
    expect(await readinessBecomes(app, 503)).toBe(503);
    await pgProxy.restore();
    expect(await readinessBecomes(app, 200, 10_000)).toBe(200);
  });
});
