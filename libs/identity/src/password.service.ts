import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/** Minimum password length (ASVS L2 2.1.1). */
export const MIN_PASSWORD_LENGTH = 12;

/**
 * argon2id hashing. `verifyOrBurn` spends the same work when there is no stored hash, so an unknown
 * email takes as long as a wrong password and response times do not reveal which accounts exist.
 */
@Injectable()
export class PasswordService {
  private dummy: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id });
  }

  /** True when `password` matches `hash`; with no hash, verifies against a dummy and returns false. */
  async verifyOrBurn(hash: string | null, password: string): Promise<boolean> {
    if (hash === null) {
      this.dummy ??= this.hash('chairtime-dummy-password-for-timing');
      await argon2.verify(await this.dummy, password).catch(() => false);
      return false;
    }
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }
}
