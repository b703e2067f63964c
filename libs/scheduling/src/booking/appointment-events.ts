import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Appointment, Clinic, VisitKind } from '../entities';

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
  | 'vitals-hold';

export interface AppointmentChange {
  type: AppointmentChangeType;
  /** The row as it is after the change (same transaction). */
  appointment: Appointment;
  /** For reschedules: where it was. */
  previous?: { startsAt: Date; chairId: string | null; version: number };
}

/** What a coming change list will touch, known before its rows are written (with the rows the caller already loaded). */
export interface AppointmentChangeHint {
  /** The status the new visits get: a hold's listeners may have nothing to prepare. */
  status: 'booked' | 'held';
  clinic: Clinic;
  patientIds: string[];
  courseIds: string[];
  kinds: VisitKind[];
}

/** Something that must happen in the same transaction as an appointment change (messages, waitlist offers). */
export interface AppointmentChangeListener {
  /**
   * Optional read-ahead: a booking calls it before it takes its clinic-day locks, so reads that do
   * not depend on the new rows (clinic, patient, plan) are not made while other bookings of those
   * days wait. What it returns comes back as `prepared` with the change list it was made for.
   */
  prepare?(em: EntityManager, hint: AppointmentChangeHint): Promise<unknown>;
  onAppointmentsChanged(em: EntityManager, changes: AppointmentChange[], prepared?: unknown): Promise<void>;
}

/** What each listener read ahead for one change list (see {@link AppointmentEvents.prepare}). */
export type PreparedChanges = Map<AppointmentChangeListener, unknown>;

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

  /** Lets listeners read ahead, in the caller's transaction, for a change list about to be emitted. */
  async prepare(em: EntityManager, hint: AppointmentChangeHint): Promise<PreparedChanges> {
    const prepared: PreparedChanges = new Map();
    for (const l of this.listeners) if (l.prepare) prepared.set(l, await l.prepare(em, hint));
    return prepared;
  }

  /** `prepared` is what {@link prepare} returned for exactly these changes. */
  async emit(em: EntityManager, changes: AppointmentChange[], prepared?: PreparedChanges): Promise<void> {
    if (changes.length === 0) return;
    for (const l of this.listeners) await l.onAppointmentsChanged(em, changes, prepared?.get(l));
  }
}
