import { loadConfig } from '@chairtime/config';
import { Role } from './access.decorators';
import { Principal } from './principal';
import { DataSource } from 'typeorm';
import { SessionRevocations } from './session-revocations';
import { TokenService } from './token.service';
import { CurrentUser, UserDirectory } from './user-directory';
import { JwtService } from '@nestjs/jwt';

const NOW = Date.parse('2027-03-01T12:00:00Z');

describe('TokenService', () => {
  const config = loadConfig({
    DATABASE_URL: 'postgres://u@h/db',
    REDIS_URL: 'redis://h',
    ACCESS_TOKEN_TTL_SECONDS: '60',
    JWT_SECRET: 'u'.repeat(40),
  });
  // Sign-outs as this process knows them (remember/isRevoked need no database).
  const sessions = new SessionRevocations(null as unknown as DataSource, config);
  const nurse: Principal = { userId: '00000000-0000-4000-8000-000000000001', role: Role.Nurse, clinicIds: ['c1'], patientId: null };
  // The users as the database has them (the directory's read is the only I/O it does).
  const stored = new Map<string, CurrentUser>([
    [nurse.userId, Object.freeze({ role: Role.Nurse, clinicIds: Object.freeze(['c1']) as string[], patientId: null })],
  ]);
  class StoredUsers extends UserDirectory {
    protected override read(userId: string): Promise<CurrentUser | null> {
      return Promise.resolve(stored.get(userId) ?? null);
    }
  }
  const tokens = new TokenService(config, sessions, new StoredUsers(null as unknown as DataSource));
  const forge = (claims: Record<string, unknown>, secret = config.jwtSecret) =>
    new JwtService({ secret }).sign(claims, { algorithm: 'HS256', issuer: 'chairtime', audience: 'chairtime-api' });
  const nowS = () => Math.floor(Date.now() / 1000);
  const claimsOf = (p: Principal) => ({ sub: p.userId, role: p.role, clinics: p.clinicIds, pid: p.patientId, typ: 'access' });

  beforeEach(() => jest.useFakeTimers({ now: NOW }));
  afterEach(() => jest.useRealTimers());

  it('answers a token again (verified once) until the instant it expires, then refuses it', async () => {
    const { accessToken } = tokens.signAccess(nurse);
    expect(await tokens.verifyAccess(accessToken)).toEqual(nurse);
    jest.setSystemTime(NOW + 59_999);
    expect(await tokens.verifyAccess(accessToken)).toEqual(nurse);
    jest.setSystemTime(NOW + 60_000);
    expect(await tokens.verifyAccess(accessToken)).toBeNull();
    jest.setSystemTime(NOW + 1_000); // the clock stepped back: the answer is still what a full verification gives
    expect(await tokens.verifyAccess(accessToken)).toEqual(nurse);
  });

  it('refuses a token with a changed signature byte after the genuine one was verified', async () => {
    const { accessToken } = tokens.signAccess(nurse);
    expect(await tokens.verifyAccess(accessToken)).toEqual(nurse);
    const [h, p, s] = accessToken.split('.');
    const flipped = `${h}.${p}.${s.slice(0, 5)}${s[5] === 'A' ? 'B' : 'A'}${s.slice(6)}`;
    expect(await tokens.verifyAccess(flipped)).toBeNull();
  });

  it('gives each caller a principal it cannot change for the next request', async () => {
    const { accessToken } = tokens.signAccess(nurse);
    const first = await tokens.verifyAccess(accessToken);
    expect(() => first!.clinicIds.push('c2')).toThrow();
    expect((await tokens.verifyAccess(accessToken))!.clinicIds).toEqual(['c1']);
  });

  it('refuses every token of a signed-out session, cached or not, until its tokens would have expired; other sessions go on', async () => {
    const inSession = { ...nurse, sessionId: '00000000-0000-4000-8000-00000000000a' };
    const other = { ...nurse, sessionId: '00000000-0000-4000-8000-00000000000b' };
    const first = tokens.signAccess(inSession).accessToken;
    const mine = tokens.signAccess(other).accessToken;
    expect(await tokens.verifyAccess(first)).toEqual(inSession);
    sessions.remember(inSession.sessionId, NOW + 60_000);
    expect(await tokens.verifyAccess(first)).toBeNull();
    jest.setSystemTime(NOW + 1_000);
    expect(await tokens.verifyAccess(tokens.signAccess(inSession).accessToken)).toBeNull();
    expect(await tokens.verifyAccess(mine)).toEqual(other);
    expect(await tokens.verifyAccess(tokens.signAccess(nurse).accessToken)).toEqual(nurse);
    jest.setSystemTime(NOW + 60_000);
    expect(sessions.isRevoked(inSession.sessionId)).toBe(false);
  });

  it('refuses tokens without exp, living longer than the configured lifetime, or issued in the future', async () => {
    const c = claimsOf(nurse);
    expect(await tokens.verifyAccess(forge({ ...c, iat: nowS(), exp: nowS() + 60 }))).toEqual(nurse);
    expect(await tokens.verifyAccess(forge({ ...c, iat: nowS() }))).toBeNull();
    expect(await tokens.verifyAccess(forge({ ...c, iat: nowS(), exp: nowS() + 61 }))).toBeNull();
    expect(await tokens.verifyAccess(forge({ ...c, iat: nowS() - 3600, exp: nowS() + 3600 }))).toBeNull();
    expect(await tokens.verifyAccess(forge({ ...c, iat: nowS() + 25, exp: nowS() + 70 }))).toEqual(nurse);
    expect(await tokens.verifyAccess(forge({ ...c, iat: nowS() + 120, exp: nowS() + 150 }))).toBeNull();
    const noIat = new JwtService({ secret: config.jwtSecret }).sign(
      { ...c, exp: nowS() + 30 },
      { algorithm: 'HS256', issuer: 'chairtime', audience: 'chairtime-api', noTimestamp: true },
    );
    expect(await tokens.verifyAccess(noIat)).toBeNull();
  });

  it('takes the role and clinics from the stored user, not the claims, and refuses a user who does not exist', async () => {
    const claimedAdmin = forge({ ...claimsOf(nurse), role: 'admin', clinics: [], iat: nowS(), exp: nowS() + 60 });
    expect(await tokens.verifyAccess(claimedAdmin)).toEqual(nurse);
    const ghost = forge({ ...claimsOf(nurse), sub: '00000000-0000-4000-8000-0000000000ff', role: 'admin', iat: nowS(), exp: nowS() + 60 });
    expect(await tokens.verifyAccess(ghost)).toBeNull();
  });

  it('refuses a token signed with the constant development secret of earlier versions', async () => {
    const old = forge({ ...claimsOf(nurse), iat: nowS(), exp: nowS() + 60 }, 'chairtime-development-secret-not-for-production');
    expect(await tokens.verifyAccess(old)).toBeNull();
  });
});
