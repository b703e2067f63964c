import { loadConfig } from '@chairtime/config';
import { Role } from './access.decorators';
import { Principal } from './principal';
import { TokenService } from './token.service';

const NOW = Date.parse('2027-03-01T12:00:00Z');

describe('TokenService', () => {
  const tokens = new TokenService(
    loadConfig({ DATABASE_URL: 'postgres://u@h/db', REDIS_URL: 'redis://h', ACCESS_TOKEN_TTL_SECONDS: '60' }),
  );
  const nurse: Principal = { userId: '00000000-0000-4000-8000-000000000001', role: Role.Nurse, clinicIds: ['c1'], patientId: null };

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
});
