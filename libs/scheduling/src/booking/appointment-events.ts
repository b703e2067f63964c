import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Appointment } from '../entities';

export type AppointmentChangeType =
  | 'booked'
  | 'held'
  | 'confirmed'
  | 'released'
  | 'expired'
  | 'rescheduled'
  | 'cancelled'
  | 'no-show'
  | 'ride-updated'
  | 'checked-in'
  | 'started'
  | 'discharged'
  | 'vitals-hold'
  /** A set-up change left the visit without capacity; it stays booked until moved or cancelled. */
  | 'needs-rebooking';

export interface AppointmentChange {
  type: AppointmentChangeType;
  /** The row as it is after the change (same transaction). */
  appointment: Appointment;
  /** For reschedules: where it was. */
  previous?: { startsAt: Date; chairId: string | null; version: number };
}

/** Something that must happen in the same transaction as an appointment change (messages, waitlist offers). */
export interface AppointmentChangeListener {
  onAppointmentsChanged(em: EntityManager, changes: AppointmentChange[]): Promise<void>;
}

/**
 * In-transaction fan-out of appointment changes. Listeners (messaging, waitlist) register at
 * module init; every service that changes appointments calls `emit` inside its transaction, so
 * the outbox rows a change calls for commit or roll back with it.
 */
@Injectable()
export class AppointmentEvents {
  private readonly listeners: AppointmentChangeListener[] = [];

  register(listener: AppointmentChangeListener): void {
    this.listeners.push(listener);
  }

  async emit(em: EntityManager, changes: AppointmentChange[]): Promise<void> {
    if (changes.length === 0) return;
    for (const l of this.listeners) await l.onAppointmentsChanged(em, changes);
  }
}
