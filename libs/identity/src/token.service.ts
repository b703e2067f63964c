import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { Role } from './access.decorators';
import { Principal } from './principal';

interface AccessClaims {
  sub: string;
  role: Role;
  clinics: string[];
  pid: string | null;
  typ: 'access';
}

/** Short-lived access tokens (HS256 JWT). Carry ids only. */
@Injectable()
export class TokenService {
  private readonly jwt: JwtService;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.jwt = new JwtService({
      // A KeyObject: given a string, jsonwebtoken first tries (and fails) to parse it as a public
      // key on every verify — about 3 ms of CPU per request.
      secret: createSecretKey(Buffer.from(config.jwtSecret)),
      signOptions: { algorithm: 'HS256', issuer: 'chairtime', audience: 'chairtime-api' },
    });
  }

  signAccess(p: Principal): { accessToken: string; expiresIn: number } {
    const claims: AccessClaims = { sub: p.userId, role: p.role, clinics: p.clinicIds, pid: p.patientId, typ: 'access' };
    const expiresIn = this.config.accessTokenTtlSeconds;
    return { accessToken: this.jwt.sign(claims, { expiresIn }), expiresIn };
  }

  /** The principal of a valid, unexpired access token; null for anything else. */
  async verifyAccess(token: string): Promise<Principal | null> {
    try {
      const c = await this.jwt.verifyAsync<AccessClaims>(token, { algorithms: ['HS256'], issuer: 'chairtime', audience: 'chairtime-api' });
      if (c.typ !== 'access' || !Object.values(Role).includes(c.role) || !Array.isArray(c.clinics)) return null;
      return { userId: c.sub, role: c.role, clinicIds: c.clinics, patientId: c.pid ?? null };
    } catch {
      return null;
    }
  }
}
