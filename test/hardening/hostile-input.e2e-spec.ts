import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { asAdmin } from '../support/auth';
import { newClinic, startIdentityApi } from '../support/identity-factories';

/** Issue 20, "Hostile input answers 400, never 500": refused at the edge, naming the field, writing nothing. */
describe('hostile input (NUL, lone surrogates, deep nesting, wrong content types)', () => {
  let app: INestApplication;
  let ds: DataSource;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startIdentityApi();
    ds = app.get(DataSource);
  });
  afterAll(async () => app.close());

  const auditRows = async () => Number((await ds.query(`SELECT count(*) AS n FROM audit_entry`))[0].n);
  const expectProblem = (res: request.Response, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status });
  };
  const paths = (res: request.Response) => (res.body.errors as { path: string }[]).map((e) => e.path);
  const rawJson = (path: string, body: string) => http().post(path).set('Content-Type', 'application/json').send(body);

  it('refuses a NUL in a body string with 400 naming the field, before any handler or audit write (sign-in needs none)', async () => {
    const before = await auditRows();
    const res = await rawJson('/v1/auth/login', '{"email":"a\\u0000@x.test","password":"whatever-password"}');
    expectProblem(res, 400);
    expect(paths(res)).toEqual(['email']);
    expect(await auditRows()).toBe(before);
  });

  it('refuses a NUL in a nested key and in a nested value, naming its path', async () => {
    const clinic = await newClinic(ds);
    const key = await http()
      .put(`/v1/clinics/${clinic.id}/hours`)
      .set(asAdmin(app))
      .set('Content-Type', 'application/json')
      .send('{"weekly":[{"weekday":1,"opens":"08:00","clo\\u0000ses":"18:00"}]}');
    expectProblem(key, 400);
    expect(paths(key)[0]).toMatch(/^weekly\[0\]\.clo/);
    const value = await http()
      .put(`/v1/clinics/${clinic.id}/hours`)
      .set(asAdmin(app))
      .set('Content-Type', 'application/json')
      .send('{"weekly":[{"weekday":1,"opens":"08:00\\u0000","closes":"18:00"}]}');
    expectProblem(value, 400);
    expect(paths(value)).toEqual(['weekly[0].opens']);
  });

  it('refuses a NUL in a query parameter and in a path parameter (the attempt is not a 500 and writes no audit row)', async () => {
    const query = await http().get('/v1/audit?action=a%00b').set(asAdmin(app));
    expectProblem(query, 400);
    expect(paths(query)).toEqual(['action']);
    const before = await auditRows();
    const path = await http().get('/v1/clinics/abc%00def').set(asAdmin(app));
    expectProblem(path, 400);
    expect(path.body.errors[0].path).toMatch(/^path/);
    expect(await auditRows()).toBe(before);
  });

  it('refuses lone surrogates in JSON, in a query and invalid UTF-8 bytes, instead of storing U+FFFD', async () => {
    const json = await rawJson('/v1/auth/login', '{"email":"a\\ud800@x.test","password":"whatever-password"}');
    expectProblem(json, 400);
    expect(paths(json)).toEqual(['email']);
    const low = await rawJson('/v1/auth/login', '{"email":"a@x.test","password":"whatever\\udc00password"}');
    expect(paths(low)).toEqual(['password']);
    const query = await http().get('/v1/audit?action=%ED%A0%80').set(asAdmin(app));
    expectProblem(query, 400);
    expect(paths(query)).toEqual(['action']);
    const bytes = await http()
      .post('/v1/auth/login')
      .set('Content-Type', 'application/json')
      .serialize((b) => b) // the bytes as they are, not JSON of a Buffer
      .send(
        Buffer.concat([
          Buffer.from('{"email":"a'),
          Buffer.from([0xed, 0xa0, 0x80]),
          Buffer.from('@x.test","password":"whatever-password"}'),
        ]),
      );
    expectProblem(bytes, 400);
    expect(bytes.body.errors).toEqual([expect.objectContaining({ path: 'body' })]);
    // A well-formed pair (an emoji) is fine: it reaches the handler (401, wrong credentials).
    expect((await rawJson('/v1/auth/login', '{"email":"a\\ud83d\\ude00@x.test","password":"whatever-password"}')).status).toBe(401);
  });

  it('refuses 2,000 levels of nested arrays with 400 before validation, on sign-in and on a one-tap action', async () => {
    const deep = `${'['.repeat(2000)}${']'.repeat(2000)}`;
    const login = await rawJson('/v1/auth/login', `{"email":${deep},"password":"x"}`);
    expectProblem(login, 400);
    expect(login.body.errors[0].message).toMatch(/deeper than 32/);
    const action = await rawJson('/v1/actions/not-a-token', deep);
    expectProblem(action, 400);
    // 32 levels are still parsed and validated as usual (a 400 from the DTO, not from depth).
    const ok = await rawJson('/v1/auth/login', `{"email":${'['.repeat(30)}${']'.repeat(30)},"password":"x"}`);
    expectProblem(ok, 400);
    expect(ok.body.errors[0].message).not.toMatch(/deeper/);
  });

  it.each([
    ['text/plain', 'email=a@x.test'],
    ['application/xml', '<login><email>a@x.test</email></login>'],
    ['application/x-www-form-urlencoded', 'email=a%40x.test&password=whatever-password'],
  ])('answers a %s body to a JSON endpoint with 415 problem+json', async (type, body) => {
    const res = await http().post('/v1/auth/login').set('Content-Type', type).send(body);
    expectProblem(res, 415);
  });

  it('answers a body without a content type with 415', async () => {
    const res = await http().post('/v1/auth/login').unset('Content-Type').set('Content-Length', '5').send(Buffer.from('hello'));
    expectProblem(res, 415);
  });

  it('keeps the form routes working: the inbound-SMS webhook and the admin sign-in form', async () => {
    const sms = await http().post('/v1/inbound/sms').type('form').send({ From: '+15550000000', Body: 'YES' });
    expect([200, 403]).toContain(sms.status); // the signature decides, not the content type
    const admin = await http().post('/admin/session').type('form').send({ email: 'nobody@x.test', password: 'whatever-password' });
    expect(admin.status).toBe(303);
  });

  it('gives every 400 an errors[] naming the field: malformed JSON and a bad UUID path parameter', async () => {
    const malformed = await rawJson('/v1/auth/login', '{"email":');
    expectProblem(malformed, 400);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ path: 'body' })]);
    const uuid = await http().get('/v1/clinics/not-a-uuid').set(asAdmin(app));
    expectProblem(uuid, 400);
    expect(paths(uuid)).toEqual(['clinicId']);
  });
});
