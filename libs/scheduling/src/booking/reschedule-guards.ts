import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Appointment } from '../entities';

/**
 * A check a move must pass besides capacity (e.g. a course's protocol spacing). Runs inside the
 * reschedule transaction; throws `DomainError('rule-violation', …)` to refuse the move.
 */
export type RescheduleGuard = (em: EntityManager, appointment: Appointment, newStart: Date) => Promise<void>;

/**
 * Registry of {@link RescheduleGuard}s. Feature modules (courses) register at init, so the one
 * reschedule path in BookingService enforces their rules without depending on them.
 */
@Injectable()
export class RescheduleGuards {
  private readonly guards: RescheduleGuard[] = [];

  register(guard: RescheduleGuard): void {
    this.guards.push(guard);
  }

  async check(em: EntityManager, appointment: Appointment, newStart: Date): Promise<void> {
    for (const guard of this.guards) await guard(em, appointment, newStart);
  }
}
