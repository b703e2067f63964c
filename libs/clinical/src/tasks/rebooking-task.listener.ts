import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppointmentChange, AppointmentChangeListener, AppointmentEvents } from '@chairtime/scheduling';
import { TaskService } from './task.service';

/**
 * Raises a `needs-rebooking` task for the schedulers when a set-up change (a closure, a shift or
 * block, shorter hours, a chair taken out of service) went ahead over a booked visit — in the
 * change's own transaction, so the change never commits without its tasks. Idempotent per visit
 * while the task is unresolved ({@link TaskService.raise}).
 */
@Injectable()
export class RebookingTaskListener implements AppointmentChangeListener, OnModuleInit {
  constructor(
    private readonly events: AppointmentEvents,
    private readonly tasks: TaskService,
  ) {}

  onModuleInit(): void {
    this.events.register(this);
  }

  async onAppointmentsChanged(em: EntityManager, changes: AppointmentChange[]): Promise<void> {
    for (const { type, appointment } of changes) {
      if (type !== 'needs-rebooking') continue;
      await this.tasks.raise(em, {
        clinicId: appointment.clinicId,
        patientId: appointment.patientId,
        appointmentId: appointment.id,
        kind: 'needs-rebooking',
        priority: 'high',
        assigneeRole: 'scheduler',
      });
    }
  }
}
