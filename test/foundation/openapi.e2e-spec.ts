import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';
import { startApi } from '../support/api-app';
import { createResponseChecker, RecordedResponse } from '../support/openapi-responses';

type Op = {
  operationId: string;
  description?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
};

/** Every operation of the document with its method and path. */
function operations(doc: OpenAPIObject): { method: string; path: string; op: Op }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Op>).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}

const recorded = (method: string, path: string, res: request.Response): RecordedResponse => ({
  method,
  path,
  status: res.status,
  contentType: res.headers['content-type'],
  body: res.text,
});

describe('the OpenAPI document (served at /docs-json)', () => {
  let app: INestApplication;
  let doc: OpenAPIObject;

  beforeAll(async () => {
    app = await startApi();
    doc = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as OpenAPIObject;
  });
  afterAll(async () => app.close());

  it('is the committed docs/openapi.json (npm run lint:openapi regenerates it)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '../../docs/openapi.json'), 'utf8')) as OpenAPIObject;
    expect(doc).toEqual(committed);
  });

  it('gives every success response a schema and every error the shared problem+json schema', () => {
    const missing: string[] = [];
    for (const { method, path, op } of operations(doc)) {
      const statuses = Object.keys(op.responses);
      if (!statuses.some((s) => /^2/.test(s))) missing.push(`${method} ${path}: no 2xx`);
      for (const [status, response] of Object.entries(op.responses)) {
        if (/^2/.test(status) && status !== '204' && !response.content?.['application/json']?.schema)
          missing.push(`${method} ${path} ${status}: no schema`);
        if (Number(status) >= 400 && response.content?.['application/problem+json']?.schema?.$ref !== '#/components/schemas/Problem') {
          missing.push(`${method} ${path} ${status}: not a Problem`);
        }
      }
      for (const s of ['429', '500', '503']) if (!op.responses[s]) missing.push(`${method} ${path}: no ${s}`);
    }
    expect(missing).toEqual([]);
    expect(operations(doc).length).toBeGreaterThanOrEqual(71);
  });

  it('states each operation’s security exactly once: bearer, the Twilio signature, or none with the reason', () => {
    const wrong: string[] = [];
    for (const { method, path, op } of operations(doc)) {
      const security = op.security ?? [];
      if (new Set(security.map((s) => JSON.stringify(s))).size !== security.length) wrong.push(`${method} ${path}: listed twice`);
      if (op.security === undefined) wrong.push(`${method} ${path}: no security`);
      if (security.some((s) => 'bearer' in s) && !(op.responses['401'] && op.responses['403'])) wrong.push(`${method} ${path}: no 401/403`);
    }
    expect(wrong).toEqual([]);
    expect(doc.security).toBeUndefined();
    const ops = operations(doc);
    const find = (method: string, path: string) => ops.find((o) => o.method === method && o.path === path)!.op;
    expect(find('GET', '/v1/appointments/{id}').security).toEqual([{ bearer: [] }]);
    for (const m of ['GET', 'POST']) {
      expect(find(m, '/v1/actions/{token}').security).toEqual([]);
      expect(find(m, '/v1/actions/{token}').description).toMatch(/token in the path is the credential/);
    }
    expect(find('POST', '/v1/inbound/sms').security).toEqual([{ twilioSignature: [] }]);
    expect(doc.components?.securitySchemes?.twilioSignature).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Twilio-Signature' });
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('types patient phone and timezone as strings, and PHQ-9 / GAD-7 answers as exactly 9 and 7 items', () => {
    const schemas = doc.components!.schemas as Record<string, { properties: Record<string, Record<string, unknown>> }>;
    for (const dto of ['CreatePatientDto', 'UpdatePatientDto', 'PatientDto']) {
      expect(schemas[dto].properties.phone).toMatchObject({ type: 'string', nullable: true, maxLength: 16 });
      expect(schemas[dto].properties.timezone).toMatchObject({ type: 'string', nullable: true });
    }
    expect(schemas.ScreeningDto.properties.phq9).toMatchObject({ type: 'array', minItems: 9, maxItems: 9 });
    expect(schemas.ScreeningDto.properties.gad7).toMatchObject({ type: 'array', minItems: 7, maxItems: 7 });
  });

  it('names operations readably and uniquely (controller.method)', () => {
    const ids = operations(doc).map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
    expect(ids).toContain('appointments.reschedule');
  });

  it('the response check accepts a real answer and catches a drifted schema, an undocumented status or content type', async () => {
    const live = recorded('GET', '/health/live', await request(app.getHttpServer()).get('/health/live').expect(200));
    const missing = recorded('GET', '/v1/appointments/x', await request(app.getHttpServer()).get('/v1/appointments/x'));
    expect(createResponseChecker(doc)(live)).toBeNull();
    expect(createResponseChecker(doc)(missing)).toBeNull(); // 401 problem+json, documented

    const drifted = JSON.parse(JSON.stringify(doc)) as OpenAPIObject;
    (drifted.components!.schemas!.LiveDto as { properties: { status: unknown } }).properties.status = { type: 'string', enum: ['fine'] };
    expect(createResponseChecker(drifted)(live)).toMatch(
      /GET \/health\/live → 200: body does not match the schema: \/status must be equal to one of/,
    );
    expect(createResponseChecker(doc)({ ...live, status: 418 })).toMatch(/status not documented/);
    expect(createResponseChecker(doc)({ ...live, contentType: 'text/plain' })).toMatch(/content type text\/plain not documented/);
  });
});
