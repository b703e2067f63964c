import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CLOCK, Clock } from '@chairtime/domain';
import { enqueue, jobId, JobName } from '@chairtime/jobs';
import { AppointmentChange, AppointmentChangeListener, AppointmentEvents } from '@chairtime/scheduling';
import { FreedChairTime } from './entities';

/** Changes that give a visit's chair time back. A no-show does not: its time is already past. */
const FREEING = new Set(['cancelled', 'released', 'expired']);

/** The offer job of a freed time; `round` tells re-offers (after an expiry or withdrawal) apart. */
export const offerJobId = (freedId: string, round?: string): string =>
  round === undefined ? jobId('offer-freed', freedId) : jobId('offer-freed', freedId, round);

/**
 * Records chair time a change freed and queues the job that offers it to the waitlist, in the
 * transaction of the change: a rolled-back cancel offers nothing, a committed one is never missed.
 * Only time still ahead on a chair counts; the job carries the freed row's id only.
 */
@Injectable()
export class FreedTimeListener implements AppointmentChangeListener, OnModuleInit {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly events: AppointmentEvents,
  ) {}

  onModuleInit(): void {
    this.events.register(this);
  }

  async onAppointmentsChanged(em: EntityManager, changes: AppointmentChange[]): Promise<void> {
    const now = this.clock.now();
    for (const change of changes) {
      const freed = freedBy(change);
      if (!freed || freed.startsAt.getTime() <= now) continue;
      const row = await em.save(
        em.create(FreedChairTime, {
          clinicId: change.appointment.clinicId,
          chairId: freed.chairId,
          startsAt: freed.startsAt,
          sourceAppointmentId: change.appointment.id,
          status: 'open',
        }),
      );
      await enqueue(em, {
        name: JobName.OfferFreedTime,
        jobId: offerJobId(row.id),
        payload: { freedId: row.id },
        clinicId: row.clinicId,
      });
    }
  }
}

/** The chair and start a change gave back, if any: a cancelled visit's own, or where a moved visit was. */
function freedBy(change: AppointmentChange): { chairId: string; startsAt: Date } | null {
  const a = change.appointment;
  if (FREEING.has(change.type)) return a.chairId ? { chairId: a.chairId, startsAt: a.startsAt } : null;
  if (change.type !== 'rescheduled' || !change.previous?.chairId) return null;
  const p = change.previous;
  const moved = p.startsAt.getTime() !== a.startsAt.getTime() || p.chairId !== a.chairId;
  return moved ? { chairId: p.chairId as string, startsAt: p.startsAt } : null;
}
