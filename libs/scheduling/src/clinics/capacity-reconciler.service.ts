import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ACTIVE_STATUSES, BookedVisit, CLOCK, Clock, DomainError, fitBookedVisits, Interval, StartRefusal } from '@chairtime/domain';
import { lockKeys, txQuery } from '@chairtime/persistence';
import { Appointment, Clinic } from '../entities';
import { CapacityLoader, tstzrange } from '../capacity/capacity-loader.service';
import { AppointmentEvents } from '../booking/appointment-events';
import { lockKeysFor, setupGateKey } from '../booking/booking-locks';

/** The flag a visit carries on the board (and in its response) once a set-up change displaced it. */
export const NEEDS_REBOOKING_FLAG = 'needs-rebooking';

/**
 * The most clinic-time buckets a set-up change locks one by one (two days of 30-minute buckets);
 * a change removing more time closes the clinic's set-up gate instead (Postgres keeps every
 * advisory lock in a shared table of a few thousand entries).
 */
const MAX_BUCKET_LOCKS = 96;

/** Why a booked visit no longer fits after a set-up change. */
export type SetupConflictReason = StartRefusal | 'chair-inactive' | 'capability-removed';

/** A live visit that a set-up change leaves without the capacity it was booked on. */
export interface SetupConflict {
  appointmentId: string;
  startsAt: string;
  chairId: string | null;
  kind: string;
  reason: SetupConflictReason;
}

/** Where a change removed capacity: instant spans of the clinic's time, or all of its future. */
export type RemovedTime = Interval[] | 'all';

interface CandidateRow {
  id: string;
  kind: string;
  chair_id: string | null;
  clinician_shift_id: string | null;
  starts_at: Date;
  ends_at: Date;
  chair_released_at: Date;
  flags: string[];
  needs_chair: boolean;
  needs_clinician: boolean;
  capability: string | null;
}

/**
 * Live visits (holds unexpired) whose chair time is not over and overlaps $3 (null: any), with
 * what their kind needs. $1 clinic, $2 now, $4 active statuses.
 */
const CANDIDATES_SQL = `SELECT a.id, a.kind, a.chair_id, a.clinician_shift_id, a.starts_at, a.ends_at, a.chair_released_at, a.flags,
    k.needs_chair, k.needs_clinician, k.capability
  FROM appointment a JOIN visit_kind k ON k.key = a.kind
  WHERE a.clinic_id = $1 AND a.chair_released_at > $2 AND a.status = ANY($4::text[])
    AND NOT (a.status = 'held' AND a.hold_expires_at <= $2)
    AND ($3::tstzrange[] IS NULL OR a.chair_time && ANY($3::tstzrange[]))
  ORDER BY a.starts_at, a.id`;

/**
 * What every set-up change that removes capacity shares (closures, shifts, chair blocks, opening
 * hours, chair deactivation): the clinic-time locks of the time it removes, the re-check of the
 * live visits there against the capacity that remains, and what happens to those that no longer
 * fit — a 409 naming them, or, when the request says to go ahead (`?force=true`), a
 * `needs-rebooking` flag and task for each, in the change's transaction.
 *
 * Callers lock ({@link lockRemovedTime}) before writing, write the change, then call
 * {@link reconcile}: the check reads the set-up as the transaction now holds it.
 */
@Injectable()
export class CapacityReconciler {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly capacity: CapacityLoader,
    private readonly events: AppointmentEvents,
  ) {}

  /**
   * Takes the locks a booking of `removed` time takes (its 30-minute buckets), so a booking
   * that read the old set-up commits before the check and is seen by it, and one that starts
   * later reads the new set-up. Too many buckets, or all of the future: the clinic's set-up gate,
   * exclusively (every booking passes it in shared mode before its buckets).
   */
  async lockRemovedTime(em: EntityManager, clinicId: string, removed: RemovedTime): Promise<void> {
    const now = this.clock.now();
    if (removed !== 'all') {
      const future = removed.filter((s) => s.end > now).map((s) => ({ start: Math.max(s.start, now), end: s.end }));
      const keys = lockKeysFor(clinicId, future);
      if (keys.length <= MAX_BUCKET_LOCKS) return lockKeys(em, keys);
    }
    await lockKeys(em, [setupGateKey(clinicId)]);
  }

  /**
   * Re-checks the live visits overlapping `removed` against the clinic's capacity as this
   * transaction now has it ({@link fitBookedVisits}). Consults whose clinician shift went are
   * moved to another free clinician shift. Visits that no longer fit: a 409 naming each, unless
   * `force` — then {@link displace}. Returns the visits displaced.
   */
  async reconcile(em: EntityManager, clinic: Clinic, removed: RemovedTime, force: boolean): Promise<SetupConflict[]> {
    const now = new Date(this.clock.now());
    if (removed !== 'all' && removed.length === 0) return [];
    const rows = await txQuery<CandidateRow>(em, 'setup-reconcile-candidates', CANDIDATES_SQL, [
      clinic.id,
      now,
      removed === 'all' ? null : removed.map(tstzrange),
      [...ACTIVE_STATUSES],
    ]);
    if (rows.length === 0) return [];
    const windows = rows.map((r) => ({ start: r.starts_at.getTime(), end: r.chair_released_at.getTime() }));
    const capacity = await this.capacity.loadRanges(em, clinic, windows, { excludeAppointmentIds: rows.map((r) => r.id) });
    const visits: BookedVisit[] = rows.map((r) => ({
      booking: {
        id: r.id,
        chairId: r.chair_id,
        clinicianShiftId: r.clinician_shift_id,
        start: r.starts_at.getTime(),
        end: r.ends_at.getTime(),
        chairReleasedAt: r.chair_released_at.getTime(),
      },
      needsChair: r.needs_chair,
      needsClinician: r.needs_clinician,
      capability: r.capability,
      alreadyDisplaced: r.flags.includes(NEEDS_REBOOKING_FLAG),
    }));
    const fit = fitBookedVisits(capacity, visits);
    for (const r of fit.reassigned) {
      await em.query('UPDATE appointment SET clinician_shift_id = $2, version = version + 1, updated_at = $3 WHERE id = $1', [
        r.id,
        r.clinicianShiftId,
        now,
      ]);
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    const conflicts = fit.displaced.map((d): SetupConflict => {
      const r = byId.get(d.id) as CandidateRow;
      return { appointmentId: r.id, startsAt: r.starts_at.toISOString(), chairId: r.chair_id, kind: r.kind, reason: d.reason };
    });
    await this.settle(em, conflicts, force);
    return conflicts;
  }

  /**
   * What a set-up change does with the visits it leaves without capacity: nothing when there are
   * none; a 409 naming each (problem+json `conflicts`) unless `force`; with `force`,
   * {@link displace}.
   */
  async settle(em: EntityManager, conflicts: SetupConflict[], force: boolean): Promise<void> {
    if (conflicts.length === 0) return;
    if (!force) {
      throw new DomainError(
        'conflict',
        `${conflicts.length} booked visit(s) would no longer fit; move or cancel them first, or repeat with force=true to mark them for rebooking`,
        { conflicts },
      );
    }
    await this.displace(
      em,
      conflicts.map((c) => c.appointmentId),
    );
  }

  /**
   * Flags each visit `needs-rebooking` (the board shows it) and announces it on
   * {@link AppointmentEvents}, where the clinical library raises a `needs-rebooking` task for the
   * schedulers — both in the caller's transaction. The visit keeps its time and status: the patient
   * is still expected until a scheduler moves or cancels it.
   */
  private async displace(em: EntityManager, ids: string[]): Promise<void> {
    await em.query(`UPDATE appointment SET flags = array_append(flags, $2) WHERE id = ANY($1::uuid[]) AND NOT ($2 = ANY(flags))`, [
      ids,
      NEEDS_REBOOKING_FLAG,
    ]);
    const visits = await em.getRepository(Appointment).findBy(ids.map((id) => ({ id })));
    await this.events.emit(
      em,
      visits.map((appointment) => ({ type: 'needs-rebooking' as const, appointment })),
    );
  }
}
