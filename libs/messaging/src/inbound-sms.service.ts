import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { CLOCK, Clock, DomainError } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { inTransaction } from '@chairtime/persistence';
import { AppointmentEvents } from '@chairtime/scheduling';
import { Appointment } from '@chairtime/scheduling/entities';
import { verifyTwilioSignature } from './sms-client';

/**
 * Patient replies to SMS. The webhook is public, so the `X-Twilio-Signature` (HMAC-SHA1 of the URL
 * and sorted params with the auth token) is the credential: anything else is 403. A `YES` from a
 * patient's phone confirms the ride of their next booked visit that still needs one.
 */
@Injectable()
export class InboundSmsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly events: AppointmentEvents,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async receive(url: string, params: Record<string, string>, signature: string | undefined): Promise<{ handled: boolean }> {
    const sms = this.config.sms;
    if (!sms || !verifyTwilioSignature(sms.authToken, url, params, signature)) {
      throw new DomainError('forbidden', 'Invalid webhook signature');
    }
    if ((params.Body ?? '').trim().toUpperCase() !== 'YES' || !params.From) return { handled: false };
    return inTransaction(this.dataSource, async (em) => {
      const rows = (await em.query(
        `SELECT a.id FROM appointment a JOIN patient p ON p.id = a.patient_id
         WHERE p.phone = $1 AND a.status = 'booked' AND a.ride_status = 'unconfirmed' AND a.starts_at > $2
         ORDER BY a.starts_at LIMIT 1 FOR UPDATE OF a`,
        [params.From, new Date(this.clock.now())],
      )) as { id: string }[];
      if (rows.length === 0) return { handled: false };
      const appt = await em.findOneOrFail(Appointment, { where: { id: rows[0].id } });
      appt.rideStatus = 'confirmed';
      appt.flags = appt.flags.filter((f) => f !== 'ride-unconfirmed');
      const saved = await em.save(appt);
      await this.events.emit(em, [{ type: 'ride-updated', appointment: saved }]);
      await this.audit.record(
        {
          actorId: null,
          actorRole: 'patient-sms',
          action: 'appointment.ride-confirmed',
          resourceType: 'appointment',
          resourceId: appt.id,
          clinicId: appt.clinicId,
          patientId: appt.patientId,
          requestId: null,
          outcome: 'success',
        },
        em,
      );
      return { handled: true };
    });
  }
}
