import { Module } from '@nestjs/common';
import { AppointmentEvents } from './booking/appointment-events';
import { BookingService } from './booking/booking.service';
import { RescheduleGuards } from './booking/reschedule-guards';
import { CapacityLoader } from './capacity/capacity-loader.service';
import { ClinicCapacityService } from './capacity/clinic-capacity.service';
import { ChairAdminService } from './clinics/chair-admin.service';
import { ClinicAdminService } from './clinics/clinic-admin.service';
import { AppointmentService } from './appointments/appointment.service';
import { CapacityReconciler } from './clinics/capacity-reconciler.service';
import { ClosureAdminService } from './clinics/closure-admin.service';
import { ShiftAdminService } from './clinics/shift-admin.service';
import { RebookingFlagListener } from './clinics/rebooking-flag.listener';

/**
 * Clinics, capacity and the one booking path. AppointmentEvents and RescheduleGuards are
 * registries: importing modules register listeners and guards on them at init, so there must be
 * exactly one instance — import this module, never re-provide its classes.
 */
@Module({
  providers: [
    AppointmentEvents,
    RescheduleGuards,
    CapacityLoader,
    BookingService,
    ClinicAdminService,
    ChairAdminService,
    ClinicCapacityService,
    AppointmentService,
    CapacityReconciler,
    ClosureAdminService,
    ShiftAdminService,
    RebookingFlagListener,
  ],
  exports: [
    AppointmentEvents,
    RescheduleGuards,
    CapacityLoader,
    BookingService,
    ClinicAdminService,
    ChairAdminService,
    ClinicCapacityService,
    AppointmentService,
    CapacityReconciler,
    ClosureAdminService,
    ShiftAdminService,
  ],
})
export class SchedulingModule {}
