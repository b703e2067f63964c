import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Role } from './access.decorators';

/** What the database says a user may do now: the role, clinics and patient a token is worth. */
export interface CurrentUser {
  role: Role;
  clinicIds: string[];
  patientId: string | null;
}

/**
 * How long a user's role, clinics and standing are reused before being read again. A change made
 * directly in the database (role, clinics, `disabled`) reaches every API process within this;
 * a sign-out still applies at once (SessionRevocations).
 */
export const USER_CACHE_MS = 5_000;
/** Users remembered per process; beyond this the oldest remembered is forgotten first. */
const USER_CACHE_MAX = 10_000;

/**
 * The role and clinics a request acts with come from here, not from the token's claims alone:
 * a token is proof of who signed in, and the database says what that user may do now. A user who
 * no longer exists or was disabled answers null (the token is refused). One indexed read per
 * user every few seconds per process; concurrent misses for one user share one read.
 */
@Injectable()
export class UserDirectory {
  private readonly cache = new Map<string, { user: Promise<CurrentUser | null>; until: number }>();

  constructor(private readonly dataSource: DataSource) {}

  current(userId: string): Promise<CurrentUser | null> {
    const now = Date.now();
    const hit = this.cache.get(userId);
    if (hit && hit.until > now) return hit.user;
    if (this.cache.size >= USER_CACHE_MAX) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    const user = this.read(userId);
    this.cache.set(userId, { user, until: now + USER_CACHE_MS });
    // A failed read is not remembered: the next request reads again.
    user.catch(() => this.cache.delete(userId));
    return user;
  }

  /** Forgets a user at once in this process (after a change made here). */
  forget(userId: string): void {
    this.cache.delete(userId);
  }

  protected async read(userId: string): Promise<CurrentUser | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(userId)) return null;
    const rows = await this.dataSource.query<{ role: Role; patient_id: string | null; clinic_ids: string[] | null }[]>(
      `SELECT u.role, u.patient_id,
              (SELECT array_agg(c.clinic_id::text ORDER BY c.clinic_id) FROM user_clinic c WHERE c.user_id = u.id) AS clinic_ids
         FROM app_user u
        WHERE u.id = $1 AND NOT u.disabled`,
      [userId],
    );
    const row = rows[0];
    if (!row) return null;
    // Shared by every request of the next few seconds: nobody may change it.
    return Object.freeze({ role: row.role, clinicIds: Object.freeze(row.clinic_ids ?? []) as string[], patientId: row.patient_id });
  }
}
