import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { CLOCK, Clock, DomainError } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { inTransaction } from '@chairtime/persistence';
import { AppointmentEvents } from '@chairtime/scheduling';
import { Appointment } from '@chairtime/scheduling/entities';
import { ActionTokenUse } from './entities';
import { ActionClaims, ActionPurpose, verifyActionToken } from './action-tokens';

/** `GET /v1/actions/:token`: what the token does, nothing identifying. */
export interface ActionDescription {
  purpose: string;
  startsAt: string;
  expiresAt: string;
  used: boolean;
}

/** Answer of a one-tap action. */
export interface ActionAnswer {
  driverName?: string;
  driverPhone?: string;
}

/**
 * A purpose owned by another module (the waitlist's offer claims), registered at its init: that
 * module's tables and rules decide, and messaging need not depend on it.
 */
export interface ActionDelegate {
  describe(claims: ActionClaims): Promise<ActionDescription>;
  perform(claims: ActionClaims, requestId: string | null): Promise<void>;
}

/** One-tap actions from patient messages: signed, single-purpose, expiring, single-use. */
@Injectable()
export class ActionService {
  private readonly delegates = new Map<ActionPurpose, ActionDelegate>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly events: AppointmentEvents,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Hands a purpose to the module that owns it. */
  delegate(purpose: ActionPurpose, delegate: ActionDelegate): void {
    this.delegates.set(purpose, delegate);
  }

  async describe(token: string): Promise<ActionDescription> {
    const c = verifyActionToken(this.config.jwtSecret, token, this.clock.now());
    const delegate = this.delegates.get(c.purpose);
    if (delegate) return delegate.describe(c);
    const appt = await this.dataSource.manager.findOne(Appointment, { where: { id: c.appointmentId } });
    if (!appt) throw new DomainError('not-found', 'Action not found');
    const used = await this.dataSource.manager.exists(ActionTokenUse, { where: { jti: c.jti } });
    return { purpose: c.purpose, startsAt: appt.startsAt.toISOString(), expiresAt: new Date(c.exp * 1000).toISOString(), used };
  }

  /** Performs the action once; a second use is 409. */
  async perform(token: string, answer: ActionAnswer, requestId: string | null): Promise<{ purpose: string; done: true }> {
    const c = verifyActionToken(this.config.jwtSecret, token, this.clock.now());
    const delegate = this.delegates.get(c.purpose);
    if (delegate) {
      await delegate.perform(c, requestId);
      return { purpose: c.purpose, done: true };
    }
    if (c.purpose === 'check-in-answer') throw new DomainError('rule-violation', 'Check-in answers are not accepted through this link yet');
    return inTransaction(this.dataSource, async (em) => {
      const now = new Date(this.clock.now());
      const claimed = (await em.query(
        `INSERT INTO action_token_use (jti, purpose, used_at) VALUES ($1, $2, $3) ON CONFLICT (jti) DO NOTHING RETURNING jti`,
        [c.jti, c.purpose, now],
      )) as unknown[];
      if (claimed.length === 0) throw new DomainError('conflict', 'This link was already used');
      const appt = await em.findOne(Appointment, { where: { id: c.appointmentId }, lock: { mode: 'pessimistic_write' } });
      if (!appt || appt.status !== 'booked')
        throw new DomainError('invalid-state', 'The visit can no longer be changed', { currentStatus: appt?.status });
      if (c.purpose === 'confirm-ride') {
        appt.rideStatus = 'confirmed';
        appt.rideDriverName = answer.driverName ?? null;
        appt.rideDriverPhone = answer.driverPhone ?? null;
        appt.flags = appt.flags.filter((f) => f !== 'ride-unconfirmed');
        const saved = await em.save(appt);
        await this.events.emit(em, [{ type: 'ride-updated', appointment: saved }]);
      }
      await this.audit.record(
        {
          actorId: null,
          actorRole: 'patient-link',
          action: `action.${c.purpose}`,
          resourceType: 'appointment',
          resourceId: appt.id,
          clinicId: appt.clinicId,
          patientId: appt.patientId,
          requestId,
          outcome: 'success',
        },
        em,
      );
      return { purpose: c.purpose, done: true as const };
    });
  }
}
