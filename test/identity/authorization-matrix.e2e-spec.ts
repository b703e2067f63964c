import { Controller, Get, INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ACCESS_RULE, AccessRule, Public, Role } from '@chairtime/identity';
import { bearer } from '../support/auth';
import { newClinic, newPatient, startIdentityApi } from '../support/identity-factories';

/**
 * The main proof: every route the API serves is found by walking Nest's router (so routes
 * added later are covered without touching this file), must declare an access rule, and answers
 * every role as its rule says. Public routes must be on the hand-written list below, so a route
 * silently made public fails here.
 */
const MUST_STAY_PUBLIC: RegExp[] = [
  /^GET \/health\/(live|ready)$/,
  /^GET \/metrics$/,
  /^GET \/docs/,
  /^POST \/v1\/auth\/(login|refresh)$/,
  // Bull Board's browser sign-in: the form, the sign-in that checks the admin role, sign-out.
  /^GET \/admin\/login$/,
  /^POST \/admin\/(session|logout)$/,
  // Signed action links (confirm / cancel / check-in from a message) carry their own token.
  /^(GET|POST) \/v1\/actions\//,
  // Inbound SMS webhooks are authenticated by the provider's signature, not a bearer token.
  /^POST \/v1\/.*(sms|inbound).*/,
];

const ZERO_UUID = '00000000-0000-4000-8000-000000000000';

interface Route {
  method: string;
  path: string;
  /** The path with every parameter filled with a well-formed id nobody owns. */
  url: string;
  rule: AccessRule | undefined;
}

type Caller = 'anonymous' | Role | 'other-clinic-scheduler';

function methodName(m: RequestMethod): string {
  return RequestMethod[m];
}

function joinPath(...parts: (string | undefined)[]): string {
  const p = parts
    .filter((s): s is string => typeof s === 'string')
    .map((s) => s.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  return `/${p}`;
}

/** Every (method, path) of every controller, with its effective access rule. */
function enumerateRoutes(app: INestApplication): Route[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  const routes: Route[] = [];
  for (const wrapper of discovery.getControllers()) {
    const { metatype, instance } = wrapper;
    if (!metatype || !instance) continue;
    const ctrlPaths = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
    const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = proto[name] as object;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const handlerPaths = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, handler) ?? '');
      const rule = reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [handler as () => void, metatype]);
      for (const cp of ctrlPaths) {
        for (const hp of handlerPaths) {
          const path = joinPath(cp, hp);
          const url = path.replace(/:[A-Za-z0-9_]+/g, ZERO_UUID).replace(/\*[A-Za-z0-9_]*/g, 'x');
          routes.push({ method: methodName(method), path, url, rule });
        }
      }
    }
  }
  return routes;
}

describe('authorization matrix: every route × every role', () => {
  let app: INestApplication;
  let routes: Route[];
  const headers: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    // The matrix sends hundreds of requests from one address: lift the global rate limit.
    app = await startIdentityApi({ env: { THROTTLE_LIMIT_PER_MINUTE: '1000000' } });
    const ds = app.get(DataSource);
    const mine = await newClinic(ds);
    const other = await newClinic(ds);
    const patient = await newPatient(ds, mine.id);
    headers.anonymous = {};
    headers[Role.Admin] = bearer(app, { role: Role.Admin });
    for (const r of [Role.Scheduler, Role.Nurse, Role.Clinician]) headers[r] = bearer(app, { role: r, clinicIds: [mine.id] });
    headers[Role.Patient] = bearer(app, { role: Role.Patient, patientId: patient.id, clinicIds: [mine.id] });
    headers['other-clinic-scheduler'] = bearer(app, { role: Role.Scheduler, clinicIds: [other.id] });
    routes = enumerateRoutes(app);
  });
  afterAll(async () => app.close());

  it('finds the routes (sanity: the walker sees identity, audit and health)', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(keys).toEqual(
      expect.arrayContaining(['POST /v1/auth/login', 'GET /v1/me', 'POST /v1/users', 'GET /v1/audit', 'GET /health/live']),
    );
  });

  it('every route declares an access rule (@Roles or @Public)', () => {
    const missing = routes.filter((r) => !r.rule).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('only the listed routes are public', () => {
    const publicRoutes = routes.filter((r) => r.rule?.kind === 'public').map((r) => `${r.method} ${r.path}`);
    const unexpected = publicRoutes.filter((k) => !MUST_STAY_PUBLIC.some((re) => re.test(k)));
    expect(unexpected).toEqual([]);
    for (const k of ['POST /v1/auth/login', 'POST /v1/auth/refresh', 'GET /health/live', 'GET /health/ready', 'GET /metrics']) {
      expect(publicRoutes).toContain(k);
    }
  });

  const GUARD_REASONS = ['no-rule', 'invalid-token', 'not-signed-in', 'role'];

  it('answers each role as the route’s rule says (401 anonymous, 403 outside the rule, through for the rest)', async () => {
    const callers: Caller[] = ['anonymous', Role.Admin, Role.Scheduler, Role.Nurse, Role.Clinician, Role.Patient, 'other-clinic-scheduler'];
    const mismatches: string[] = [];
    let checked = 0;
    for (const route of routes) {
      if (!route.rule) continue;
      for (const caller of callers) {
        const expected = expectation(route.rule, caller);
        if (expected === 'skip') continue;
        const agent = request(app.getHttpServer());
        const verb = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
        const req = agent[verb](route.url).set(headers[caller]);
        const res = ['POST', 'PUT', 'PATCH'].includes(route.method) ? await req.send({}) : await req;
        checked++;
        // "Through" means the access guard let the caller in; the handler may still refuse for its
        // own reasons (a webhook's bad signature is a 403 of its own), which the guard's reasons tell apart.
        const byGuard = (res.status === 401 || res.status === 403) && GUARD_REASONS.includes(res.body?.reason);
        const ok =
          expected === 'through'
            ? !byGuard && res.status !== 405
            : res.status === expected && (expected === 401 || expected === 403 ? byGuard : true);
        if (!ok) mismatches.push(`${route.method} ${route.path} as ${caller}: expected ${expected}, got ${res.status}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(10);
  });
});

/** Probe routes that break the rules, to prove the walker notices them. */
@Controller('v1/matrix-probe')
class RuleBreakersProbe {
  @Get('no-rule')
  noRule(): string {
    return 'should never be served';
  }

  @Get('sneaky')
  @Public()
  sneaky(): string {
    return 'public by mistake';
  }
}

describe('authorization matrix: the detector itself', () => {
  it('flags a route without a rule (and the guard refuses it) and a public route not on the list', async () => {
    const app = await startIdentityApi({ controllers: [RuleBreakersProbe] });
    try {
      const routes = enumerateRoutes(app);
      expect(routes.filter((r) => !r.rule).map((r) => r.path)).toEqual(['/v1/matrix-probe/no-rule']);
      const unlisted = routes.filter((r) => r.rule?.kind === 'public' && !MUST_STAY_PUBLIC.some((re) => re.test(`${r.method} ${r.path}`)));
      expect(unlisted.map((r) => r.path)).toEqual(['/v1/matrix-probe/sneaky']);
      await request(app.getHttpServer())
        .get('/v1/matrix-probe/no-rule')
        .set(bearer(app, { role: Role.Admin }))
        .expect(403);
    } finally {
      await app.close();
    }
  });
});

/** The outcome class a caller must get from a route with this rule. */
function expectation(rule: AccessRule, caller: Caller): 401 | 403 | 'through' | 'skip' {
  if (rule.kind === 'public') return caller === 'anonymous' ? 'through' : 'skip';
  if (caller === 'anonymous') return 401;
  if (caller === Role.Admin) return 'through';
  const role = caller === 'other-clinic-scheduler' ? Role.Scheduler : caller;
  return rule.roles.includes(role) ? 'through' : 403;
}
