import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock, MessageChannel } from '@chairtime/domain';
import { JobHandler, JobName, JobPayloads, enqueue } from '@chairtime/jobs';
import { inTransaction } from '@chairtime/persistence';
import { Appointment } from '@chairtime/scheduling/entities';
import { Patient } from '@chairtime/clinical/entities';
import { TaskService } from '@chairtime/clinical';
import { Message } from './entities';
import { sendJob } from './send-job';

/**
 * Ride-home escalation (DOMAIN.md). Re-reads the visit under a row lock and does nothing when it
 * moved on (another version — rescheduled, confirmed ride, cancelled — or no longer booked, or the
 * ride is no longer unconfirmed).
 * - `t-24h`: a `ride-second-request` message now and a `ride-unconfirmed` task for the schedulers.
 * - `t-3h`: the flag `ride-unconfirmed` on the appointment (the board shows it).
 */
@Injectable()
export class RideCheckHandler implements JobHandler<JobName.RideCheck> {
  readonly jobName = JobName.RideCheck;
  private readonly logger = new Logger(RideCheckHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly tasks: TaskService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async handle(p: JobPayloads[JobName.RideCheck]): Promise<void> {
    const acted = await inTransaction(this.dataSource, async (em) => {
      const appt = await em.findOne(Appointment, { where: { id: p.appointmentId }, lock: { mode: 'pessimistic_write' } });
      if (!appt || appt.version !== p.version || appt.status !== 'booked' || appt.rideStatus !== 'unconfirmed') return false;
      if (p.stage === 't-3h') {
        if (!appt.flags.includes('ride-unconfirmed')) {
          // A raw update: bumping the version here would make the visit's own jobs look stale.
          await em.query(`UPDATE appointment SET flags = array_append(flags, 'ride-unconfirmed') WHERE id = $1`, [appt.id]);
        }
        return true;
      }
      const now = new Date(this.clock.now());
      await this.tasks.raise(em, {
        clinicId: appt.clinicId,
        patientId: appt.patientId,
        kind: 'ride-unconfirmed',
        appointmentId: appt.id,
        dueAt: new Date(appt.startsAt.getTime() - 3 * 3600_000),
      });
      const patient = await em.findOneOrFail(Patient, { where: { id: appt.patientId } });
      const channel: MessageChannel = patient.contactPreference;
      const consented = patient.consent?.[channel] === true;
      const msg = await em.save(
        Message,
        em.create(Message, {
          clinicId: appt.clinicId,
          patientId: appt.patientId,
          appointmentId: appt.id,
          courseId: appt.courseId,
          kind: 'ride-second-request',
          channel,
          anchor: 'start',
          offset: '-PT24H',
          plannedAt: now,
          sendAt: now,
          status: consented ? 'scheduled' : 'skipped',
          skipReason: consented ? null : 'no-consent',
          appointmentVersion: appt.version,
        }),
      );
      if (consented) {
        await enqueue(em, sendJob(msg));
      }
      return true;
    });
    if (acted) this.logger.log({ appointmentId: p.appointmentId, stage: p.stage }, 'ride check escalated');
  }
}
