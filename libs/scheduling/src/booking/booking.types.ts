import type { StartRefusal } from '@chairtime/domain';

/** One visit to place. `key` names it in conflicts (a course booking uses the sequence). */
export interface VisitRequest {
  key: string | number;
  patientId: string;
  kind: string;
  startsAt: Date;
  /** A specific chair; when omitted the first free capable chair (by id) is taken. */
  chairId?: string | null;
  courseId?: string | null;
  sequence?: number | null;
}

export interface BookOptions {
  status: 'booked' | 'held';
  /** Required for holds. */
  holdExpiresAt?: Date | null;
  bookingId?: string | null;
  createdBy: string | null;
}

/** Why a requested visit could not be placed: the availability refusals plus what the database refused. */
export type ConflictReason =
  StartRefusal | 'chair-taken' | 'patient-busy' | 'clinician-taken' | 'unknown-chair' | 'chair-incapable' | 'chair-inactive';

export interface BookingConflict {
  key: string | number;
  startsAt: string;
  reason: ConflictReason;
}
