import { AppointmentResponse, toAppointmentResponse } from '@chairtime/scheduling';
import type { Appointment } from '@chairtime/scheduling/entities';

/** The appointment shape of API.md plus the day's milestones (check-in, start, discharge). */
export interface DayOfAppointmentView extends AppointmentResponse {
  checkedInAt?: string;
  startedAt?: string;
  dischargedAt?: string;
}

/** The scheduling library's one mapper, extended with the instants the day-of actions set. */
export function toDayOfView(a: Appointment): DayOfAppointmentView {
  return {
    ...toAppointmentResponse(a),
    ...(a.checkedInAt ? { checkedInAt: a.checkedInAt.toISOString() } : {}),
    ...(a.startedAt ? { startedAt: a.startedAt.toISOString() } : {}),
    ...(a.dischargedAt ? { dischargedAt: a.dischargedAt.toISOString() } : {}),
  };
}
