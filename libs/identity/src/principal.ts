import { Role } from './access.decorators';

/** Who is calling, as proven by the access token. Carries ids only. */
export interface Principal {
  userId: string;
  role: Role;
  /** Clinics a staff member works in; empty for admin (all) and patients. */
  clinicIds: string[];
  /** The patient record a patient user is; null for staff. */
  patientId: string | null;
  /**
   * The sign-in the token belongs to (its refresh-token family): signing out ends it, and its
   * access tokens with it. Absent on tokens minted outside a sign-in (tests, tools).
   */
  sessionId?: string | null;
}

export const isAdmin = (p: Principal): boolean => p.role === Role.Admin;
