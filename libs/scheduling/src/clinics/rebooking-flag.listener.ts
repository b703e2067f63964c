import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppointmentChange, AppointmentChangeListener, AppointmentEvents, AppointmentChangeType } from '../booking/appointment-events';
import { NEEDS_REBOOKING_FLAG } from './capacity-reconciler.service';

/** Changes after which a displaced visit no longer needs rebooking: it was moved through the booking path, or ended. */
const SETTLING = new Set<AppointmentChangeType>(['rescheduled', 'cancelled', 'released', 'expired', 'no-show']);

/** Clears the `needs-rebooking` flag once the visit was moved or cancelled (the task stays for the scheduler to resolve). */
@Injectable()
export class RebookingFlagListener implements AppointmentChangeListener, OnModuleInit {
  constructor(private readonly events: AppointmentEvents) {}

  onModuleInit(): void {
    this.events.register(this);
  }

  async onAppointmentsChanged(em: EntityManager, changes: AppointmentChange[]): Promise<void> {
    const settled = changes
      .filter((c) => SETTLING.has(c.type) && c.appointment.flags?.includes(NEEDS_REBOOKING_FLAG))
      .map((c) => c.appointment);
    if (settled.length === 0) return;
    for (const a of settled) a.flags = a.flags.filter((f) => f !== NEEDS_REBOOKING_FLAG);
    await em.query('UPDATE appointment SET flags = array_remove(flags, $2) WHERE id = ANY($1::uuid[])', [
      settled.map((a) => a.id),
      NEEDS_REBOOKING_FLAG,
    ]);
  }
}
