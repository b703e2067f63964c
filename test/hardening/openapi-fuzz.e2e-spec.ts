import { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '@chairtime/identity';
import { bearer } from '../support/auth';
import { newClinic, startIdentityApi } from '../support/identity-factories';
import { scratchDatabase } from '../support/scratch-database';

/**
 * Issue 20: a schema-driven fuzzer in the suite. Every operation of the OpenAPI document the app
 * serves (`/docs-json`) gets requests built from its schemas, most of them with one hostile
 * mutation (NUL, lone surrogate, deep nesting, huge numbers, wrong types, extra fields, wrong or
 * missing content type, malformed JSON), with a scheduler's token or none. Asserted for each: no
 * 5xx; every error is application/problem+json with type, title and status; a request refused as
 * bad input (400, 413, 415) wrote nothing — row counts of every table before and after (the app
 * runs on a database of its own, so other test files cannot move them).
 */

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
};
type Parameter = { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: Schema };
type Operation = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  parameters: Parameter[];
  body: Schema | null;
  bodyType: string | null;
};

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const REFUSED_AS_INPUT = [400, 413, 415];

const MUTATIONS = [
  'none',
  'nul-in-body',
  'surrogate-in-body',
  'deep-body',
  'huge-number',
  'wrong-type',
  'extra-field',
  'text-plain',
  'xml',
  'form',
  'malformed-json',
  'nul-in-path',
  'nul-in-query',
  'surrogate-in-query',
] as const;
type Mutation = (typeof MUTATIONS)[number];
/** Refused before routing (body parsing and the hostile-input check): no guard, pipe or handler runs. */
const EDGE_MUTATIONS: readonly Mutation[] = [
  'nul-in-body',
  'surrogate-in-body',
  'deep-body',
  'text-plain',
  'xml',
  'form',
  'malformed-json',
  'nul-in-path',
  'nul-in-query',
  'surrogate-in-query',
];

describe('OpenAPI-driven fuzzing (fast-check, real Postgres)', () => {
  let app: INestApplication;
  let ds: DataSource;
  let db: { url: string; drop: () => Promise<void> };
  let operations: Operation[];
  let components: Record<string, Schema>;
  let clinicId: string;
  let staff: { Authorization: string };
  let tables: string[];

  beforeAll(async () => {
    db = await scratchDatabase();
    app = await startIdentityApi({ env: { DATABASE_URL: db.url, THROTTLE_LIMIT_PER_MINUTE: '1000000' } });
    ds = app.get(DataSource);
    clinicId = (await newClinic(ds)).id;
    staff = bearer(app, { role: Role.Scheduler, clinicIds: [clinicId] });
    const doc = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body;
    components = doc.components?.schemas ?? {};
    operations = readOperations(doc);
    tables = (
      await ds.query<{ tablename: string }[]>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'`)
    ).map((t) => t.tablename);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const rowCounts = async (): Promise<Record<string, number>> => {
    const sql = tables.map((t) => `SELECT '${t}' AS t, count(*)::int AS n FROM "${t}"`).join(' UNION ALL ');
    return Object.fromEntries((await ds.query<{ t: string; n: number }[]>(sql)).map((r) => [r.t, r.n]));
  };

  it('reads the served document: every operation is fuzzed', () => {
    expect(operations.length).toBeGreaterThan(40);
  });

  it('answers no 5xx, only problem+json errors, and writes nothing for a request refused as bad input', async () => {
    const tried = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 10_000 }),
        fc.constantFrom(...MUTATIONS),
        fc.boolean(),
        fc.nat({ max: 1_000_000 }),
        async (opIndex, mutation, signedIn, seed) => {
          const op = operations[opIndex % operations.length];
          const built = buildRequest(op, mutation, seed);
          const before = await rowCounts();
          let req = request(app.getHttpServer())[op.method](built.url);
          if (signedIn) req = req.set(staff);
          if (built.contentType) req = req.set('Content-Type', built.contentType);
          if (built.body !== undefined) req = req.serialize((b: unknown) => b as string).send(built.body);
          const res = await req;
          const label = `${op.method.toUpperCase()} ${op.path} [${mutation}] → ${res.status}`;
          const key = `${op.method} ${op.path} ${mutation}`;
          tried.set(key, (tried.get(key) ?? 0) + 1);
          expect({ label, status: res.status < 500 }).toEqual({ label, status: true });
          if (res.status >= 400) {
            expect({ label, type: res.headers['content-type'] }).toEqual({
              label,
              type: expect.stringMatching(/^application\/problem\+json/),
            });
            expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status: res.status });
            if (res.status === 400) expect(Array.isArray(res.body.errors) && res.body.errors.length > 0).toBe(true);
          }
          if (REFUSED_AS_INPUT.includes(res.status)) {
            const after = await rowCounts();
            // A route that reads patient data audits every attempt, refused ones included (HIPAA):
            // its audit row is the one write allowed — except for input refused at the edge,
            // before any route is chosen, which reaches nothing at all.
            const atEdge = EDGE_MUTATIONS.includes(mutation);
            const changed = Object.keys(after).filter((t) => after[t] !== before[t] && (atEdge || t !== 'audit_entry'));
            expect(`${label}: ${changed.map((t) => `${t} ${before[t]}→${after[t]}`).join(', ')}`).toBe(`${label}: `);
          }
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(tried.size).toBeGreaterThan(50);
  });

  function buildRequest(op: Operation, mutation: Mutation, seed: number): { url: string; body?: string; contentType?: string } {
    const rnd = mulberry(seed);
    let url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(pathValue(name, rnd)));
    const query = new URLSearchParams();
    for (const p of op.parameters.filter((x) => x.in === 'query')) {
      if (p.required || rnd() < 0.5) query.set(p.name, String(valueOf(p.schema ?? { type: 'string' }, rnd, 0)));
    }
    let q = query.toString();
    if (mutation === 'nul-in-path' && op.path.includes('{')) url = url.replace(/\/[^/]+$/, (s) => `${s}%00x`);
    if (mutation === 'nul-in-path' && !op.path.includes('{')) url = `${url}/a%00b`;
    if (mutation === 'nul-in-query') q = `${q}${q ? '&' : ''}${op.parameters.find((p) => p.in === 'query')?.name ?? 'limit'}=a%00b`;
    if (mutation === 'surrogate-in-query')
      q = `${q}${q ? '&' : ''}${op.parameters.find((p) => p.in === 'query')?.name ?? 'cursor'}=%ED%A0%80`;
    if (q) url = `${url}?${q}`;

    const wantsBody = op.body !== null || ['post', 'put', 'patch'].includes(op.method);
    // Body mutations are sent to every operation (a GET with a body too), so each is always applied.
    const bodyMutation = ['nul-in-body', 'surrogate-in-body', 'text-plain', 'xml', 'form', 'malformed-json', 'deep-body'].includes(
      mutation,
    );
    if (!wantsBody && !bodyMutation) return { url };
    let body: unknown = op.body ? valueOf(op.body, rnd, 0) : {};
    switch (mutation) {
      case 'nul-in-body':
        body = mutateString(body, rnd, (s) => `${s}\u0000`);
        break;
      case 'surrogate-in-body':
        return {
          url,
          contentType: 'application/json',
          body: JSON.stringify(mutateString(body, rnd, (s) => `${s}@@SURROGATE@@`)).replace(/@@SURROGATE@@/g, '\\ud800'),
        };
      case 'deep-body': {
        const depth = 1500 + Math.floor(rnd() * 1000);
        const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
        return { url, contentType: 'application/json', body: rnd() < 0.5 ? deep : `{"items":${deep}}` };
      }
      case 'huge-number':
        body = replaceLeaf(body, rnd, () => [1e308, -1e308, 2 ** 64, 1.5e-320, Number.MAX_SAFE_INTEGER * 1000][Math.floor(rnd() * 5)]);
        break;
      case 'wrong-type':
        body = replaceLeaf(body, rnd, () => [[], {}, null, true, 42, 'x'][Math.floor(rnd() * 6)]);
        break;
      case 'extra-field':
        if (typeof body === 'object' && body !== null && !Array.isArray(body)) (body as Record<string, unknown>).__proto_x = 'extra';
        break;
      case 'text-plain':
        return { url, contentType: 'text/plain', body: JSON.stringify(body) };
      case 'xml':
        return { url, contentType: 'application/xml', body: '<request><a>1</a></request>' };
      case 'form':
        return { url, contentType: 'application/x-www-form-urlencoded', body: 'email=a%40b.dev&password=x' };
      case 'malformed-json':
        return { url, contentType: 'application/json', body: JSON.stringify(body).slice(0, -1) || '{' };
      default:
        break;
    }
    return {
      url,
      contentType: op.bodyType ?? 'application/json',
      body: op.bodyType?.includes('urlencoded') ? new URLSearchParams(flat(body)).toString() : JSON.stringify(body),
    };
  }

  function pathValue(name: string, rnd: () => number): string {
    if (/clinicId/i.test(name)) return rnd() < 0.8 ? clinicId : randomUUID();
    if (/token/i.test(name)) return rnd() < 0.5 ? 'not-a-token' : 'eyJhbGciOiJIUzI1NiJ9.e30.x';
    if (/key/i.test(name)) return rnd() < 0.5 ? 'iv-induction' : 'unknown-protocol';
    return rnd() < 0.9 ? randomUUID() : 'not-a-uuid';
  }

  function resolve(schema: Schema): Schema {
    let s = schema;
    for (let i = 0; s.$ref && i < 10; i++) s = components[s.$ref.replace('#/components/schemas/', '')] ?? {};
    if (s.allOf?.length)
      return s.allOf.map(resolve).reduce((a, b) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties } }), {});
    if (s.oneOf?.length) return resolve(s.oneOf[0]);
    if (s.anyOf?.length) return resolve(s.anyOf[0]);
    return s;
  }

  /** A value that fits the schema most of the time (enums, formats, bounds), sometimes only its type. */
  function valueOf(schema: Schema, rnd: () => number, depth: number): unknown {
    const s = resolve(schema);
    if (s.enum?.length) return s.enum[Math.floor(rnd() * s.enum.length)];
    const type = s.type ?? (s.properties ? 'object' : 'string');
    switch (type) {
      case 'integer':
      case 'number': {
        const min = s.minimum ?? 0;
        const max = s.maximum ?? min + 100;
        const n = min + rnd() * (max - min);
        return type === 'integer' ? Math.round(n) : n;
      }
      case 'boolean':
        return rnd() < 0.5;
      case 'array':
        return depth > 4 ? [] : Array.from({ length: Math.floor(rnd() * 3) }, () => valueOf(s.items ?? {}, rnd, depth + 1));
      case 'object': {
        const out: Record<string, unknown> = {};
        if (depth > 4) return out;
        for (const [k, v] of Object.entries(s.properties ?? {})) {
          if ((s.required ?? []).includes(k) || rnd() < 0.5) out[k] = valueOf(v, rnd, depth + 1);
        }
        return out;
      }
      default:
        return stringFor(s, rnd);
    }
  }

  function stringFor(s: Schema, rnd: () => number): string {
    switch (s.format) {
      case 'uuid':
        return rnd() < 0.5 ? clinicId : randomUUID();
      case 'email':
        return `fuzz-${Math.floor(rnd() * 1e6)}@fuzz.chairtime.dev`;
      case 'date':
        return '2027-03-02';
      case 'date-time':
        return '2027-03-02T14:00:00.000Z';
      default:
        return ['09:00', '2027-03-02', 'PT30M', 'fuzz text', '+15555550123', 'America/New_York', 'iv-infusion', ''][Math.floor(rnd() * 8)];
    }
  }
});

/** Every operation of the document, with its parameters and its JSON (or form) request body. */
function readOperations(doc: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = item[method] as { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } } | undefined;
      if (!op) continue;
      const content = op.requestBody?.content ?? {};
      const bodyType = Object.keys(content)[0] ?? null;
      out.push({ method, path, parameters: op.parameters ?? [], body: bodyType ? (content[bodyType].schema ?? {}) : null, bodyType });
    }
  }
  return out;
}

/** Applies `f` to one string leaf (or, with none, adds a string field). */
function mutateString(value: unknown, rnd: () => number, f: (s: string) => string): unknown {
  const leaves = paths(value).filter((p) => typeof get(value, p) === 'string');
  if (leaves.length === 0) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { ...value, note: f('x') };
    return { note: f('x') };
  }
  const leaf = leaves[Math.floor(rnd() * leaves.length)];
  return set(value, leaf, f(get(value, leaf) as string));
}

function replaceLeaf(value: unknown, rnd: () => number, make: () => unknown): unknown {
  const leaves = paths(value).filter((p) => p.length > 0);
  if (leaves.length === 0) return { value: make() };
  return set(value, leaves[Math.floor(rnd() * leaves.length)], make());
}

function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.length === 0 ? [prefix] : entries.flatMap(([k, v]) => paths(v, [...prefix, k]));
}

function get(value: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], value);
}

function set(value: unknown, path: (string | number)[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[path[0]] = set(copy[path[0]], path.slice(1), leaf);
  return copy;
}

function flat(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** A small seeded generator, so a failing case replays from fast-check's seed alone. */
function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
