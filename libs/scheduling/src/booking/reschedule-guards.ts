import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Appointment, Clinic, VisitKind } from '../entities';

/**
 * A check a move must pass besides capacity (e.g. a course's protocol spacing). Runs inside the
 * reschedule transaction, under the patient's lock; throws `DomainError('rule-violation', …)` to
 * refuse the move.
 */
export type RescheduleGuard = (em: EntityManager, appointment: Appointment, newStart: Date) => Promise<void>;

/** A single visit about to be booked outside a course (`POST /v1/appointments`). */
export interface SingleVisit {
  clinic: Clinic;
  patientId: string;
  kind: VisitKind;
  startsAt: Date;
}

/**
 * A check a single visit must pass besides capacity (screening, REMS, the rest day from the
 * patient's other visits). Runs inside the booking transaction, under the patient's lock.
 */
export type SingleVisitGuard = (em: EntityManager, visit: SingleVisit) => Promise<void>;

/**
 * Registry of the guards of moves and single visits. Feature modules (courses) register at init,
 * so the one booking path enforces their rules without the scheduling module depending on them.
 */
@Injectable()
export class RescheduleGuards {
  private readonly guards: RescheduleGuard[] = [];
  private readonly singleVisitGuards: SingleVisitGuard[] = [];

  register(guard: RescheduleGuard): void {
    this.guards.push(guard);
  }

  registerSingleVisit(guard: SingleVisitGuard): void {
    this.singleVisitGuards.push(guard);
  }

  async check(em: EntityManager, appointment: Appointment, newStart: Date): Promise<void> {
    for (const guard of this.guards) await guard(em, appointment, newStart);
  }

  async checkSingleVisit(em: EntityManager, visit: SingleVisit): Promise<void> {
    for (const guard of this.singleVisitGuards) await guard(em, visit);
  }
}
