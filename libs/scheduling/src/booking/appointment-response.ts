import type { AppointmentStatus } from '@chairtime/domain';
import type { Appointment, RideStatus } from '../entities';

/** The appointment shape of API.md ("Appointments"); instants in UTC ISO. */
export interface AppointmentResponse {
  id: string;
  clinicId: string;
  patientId: string;
  courseId: string | null;
  sequence: number | null;
  kind: string;
  chairId: string | null;
  startsAt: string;
  endsAt: string;
  chairReleasedAt: string;
  status: AppointmentStatus;
  holdExpiresAt?: string;
  ride: { status: RideStatus; driverName?: string; driverPhone?: string };
  flags: string[];
}

/**
 * The ONE mapper from an appointment row to its API shape; every module that returns
 * appointments uses it so the contract cannot drift between endpoints. A visit whose ride is
 * still unconfirmed carries the `ride-unconfirmed` flag (computed, so it never goes stale).
 */
export function toAppointmentResponse(a: Appointment): AppointmentResponse {
  const flags = new Set(a.flags ?? []);
  if (a.rideStatus === 'unconfirmed' && (a.status === 'booked' || a.status === 'held')) flags.add('ride-unconfirmed');
  const ride: AppointmentResponse['ride'] = { status: a.rideStatus };
  if (a.rideDriverName) ride.driverName = a.rideDriverName;
  if (a.rideDriverPhone) ride.driverPhone = a.rideDriverPhone;
  return {
    id: a.id,
    clinicId: a.clinicId,
    patientId: a.patientId,
    courseId: a.courseId,
    sequence: a.sequence,
    kind: a.kind,
    chairId: a.chairId,
    startsAt: a.startsAt.toISOString(),
    endsAt: a.endsAt.toISOString(),
    chairReleasedAt: a.chairReleasedAt.toISOString(),
    status: a.status,
    ...(a.status === 'held' && a.holdExpiresAt ? { holdExpiresAt: a.holdExpiresAt.toISOString() } : {}),
    ride,
    flags: [...flags].sort(),
  };
}
