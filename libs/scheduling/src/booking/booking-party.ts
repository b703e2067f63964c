import { EntityManager } from 'typeorm';
import { BookingParty, BusyTime } from '@chairtime/domain';
import { Principal, Role } from '@chairtime/identity';
import { txQuery } from '@chairtime/persistence';

/**
 * Who a booking is made by, for the rules that tell them apart (`minimumLeadMinutes` binds a
 * patient booking online, not staff booking on their behalf).
 */
export function bookingParty(principal: Principal): BookingParty {
  return principal.role === Role.Patient ? 'patient' : 'staff';
}

/**
 * The patient's live visits overlapping [from, to), as the [start, end) the patient exclusion
 * constraint compares (`visit_time`), in any course or none. An expired hold is not live: the
 * booking that meets it sweeps it first. Reads through `appointment_patient_start_idx`.
 */
export async function loadPatientBusy(em: EntityManager, patientId: string, from: number, to: number, now: number): Promise<BusyTime[]> {
  const rows = await txQuery<{ starts_at: Date; ends_at: Date }>(
    em,
    'patient-busy',
    `SELECT starts_at, ends_at FROM appointment
     WHERE patient_id = $1 AND starts_at < $3 AND ends_at > $2
       AND status IN ('held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged')
       AND NOT (status = 'held' AND hold_expires_at <= $4)`,
    [patientId, new Date(from), new Date(to), new Date(now)],
  );
  return rows.map((r) => ({ start: r.starts_at.getTime(), end: r.ends_at.getTime() }));
}
