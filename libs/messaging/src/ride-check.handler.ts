import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CLOCK, Clock, MessageChannel, patientQuietWindow, sendTimeDecision } from '@chairtime/domain';
import { JobHandler, JobName, JobPayloads, enqueue } from '@chairtime/jobs';
import { inTransaction } from '@chairtime/persistence';
import { Appointment, Clinic } from '@chairtime/scheduling/entities';
import { Patient } from '@chairtime/clinical/entities';
import { TaskService } from '@chairtime/clinical';
import { Message } from './entities';
import { sendJob } from './send-job';

/**
 * Ride-home escalation (DOMAIN.md). Re-reads the visit under a row lock and does nothing when it
 * moved on (another version — rescheduled, confirmed ride, cancelled — or no longer booked, or the
 * ride is no longer unconfirmed).
 * - `t-24h`: a `ride-second-request` message and a `ride-unconfirmed` task for the schedulers. The
 *   message is planned at T−24 h (not at the job's run time: a retried or late job plans the same
 *   message, so it has one ledger key and is written once per visit version) and, like every
 *   message, waits out the patient's quiet hours — until the visit's start at the latest.
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
      const now = this.clock.now();
      await this.tasks.raise(em, {
        clinicId: appt.clinicId,
        patientId: appt.patientId,
        kind: 'ride-unconfirmed',
        appointmentId: appt.id,
        dueAt: new Date(appt.startsAt.getTime() - 3 * 3600_000),
      });
      // Under the visit's row lock: a second run of this stage (a retry, a re-added job) finds it.
      const written = await em.exists(Message, {
        where: { appointmentId: appt.id, appointmentVersion: appt.version, kind: 'ride-second-request' },
      });
      if (written) return true;
      const patient = await em.findOneOrFail(Patient, { where: { id: appt.patientId } });
      const clinic = await em.findOneOrFail(Clinic, { where: { id: appt.clinicId } });
      const channel: MessageChannel = patient.contactPreference;
      const start = appt.startsAt.getTime();
      const plannedAt = start - 24 * 3600_000;
      const due = sendTimeDecision('ride-second-request', Math.max(now, plannedAt), start, patientQuietWindow(clinic, patient));
      const sendAt = due.action === 'defer' ? due.until : Math.max(now, plannedAt);
      const ended = { send: null, defer: null, expire: 'past', 'skip-quiet': 'quiet-hours' }[due.action];
      const skipReason = patient.consent?.[channel] !== true ? 'no-consent' : ended;
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
          plannedAt: new Date(plannedAt),
          sendAt: new Date(sendAt),
          notAfter: appt.startsAt,
          status: skipReason ? 'skipped' : 'scheduled',
          skipReason,
          appointmentVersion: appt.version,
        }),
      );
      if (!skipReason) {
        await enqueue(em, sendJob(msg));
      }
      return true;
    });
    if (acted) this.logger.log({ appointmentId: p.appointmentId, stage: p.stage }, 'ride check escalated');
  }
}
