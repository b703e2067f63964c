import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import {
  ActiveBooking,
  appointmentMachine,
  checkStart,
  CLOCK,
  Clock,
  ClinicCapacity,
  DomainError,
  Interval,
  startCheckWindow,
} from '@chairtime/domain';
import { lockKeys, lockPatients, PG, pgCode, pgConstraint, txQuery } from '@chairtime/persistence';
import { Appointment, Clinic, VisitKind } from '../entities';
import { CapacityLoader, loadVisitKind, tstzrange, visitKindSpec } from '../capacity/capacity-loader.service';
import { AppointmentChange, AppointmentEvents } from './appointment-events';
import { BookingConflict, BookOptions, ConflictReason, VisitRequest } from './booking.types';
import { RescheduleGuards } from './reschedule-guards';
import { lockKeysFor, setupGateKey } from './booking-locks';

/** Which exclusion constraint names which conflict. */
const CONSTRAINT_CONFLICT: Record<string, ConflictReason> = {
  appointment_chair_no_overlap: 'chair-taken',
  appointment_patient_no_overlap: 'patient-busy',
  appointment_clinician_no_overlap: 'clinician-taken',
};

/** What a cancel records. */
export interface CancelOptions {
  reason: string;
  actorId: string | null;
}

/**
 * The rows of a booking, one array per column ({@link BookingService} `insertAll`); version,
 * flags, ride driver fields and timestamps take their defaults.
 */
const INSERT_SQL = `INSERT INTO appointment (id, clinic_id, patient_id, course_id, booking_id, sequence, kind, chair_id, clinician_shift_id,
    starts_at, ends_at, chair_released_at, chair_time, visit_time, status, hold_expires_at, ride_status, created_by)
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::int[], $7::text[], $8::uuid[], $9::uuid[],
    $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::tstzrange[], $14::tstzrange[], $15::text[], $16::timestamptz[],
    $17::text[], $18::uuid[])
  ON CONFLICT DO NOTHING
  RETURNING id, version, created_at, updated_at`;

/**
 * The ONE booking path: single visits, course series and moves all place visits here, inside the
 * caller's transaction, so every rule (grid, hours, chairs, nurse ratio, stagger, clinicians) is
 * checked the same way everywhere.
 */
@Injectable()
export class BookingService {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly capacity: CapacityLoader,
    private readonly events: AppointmentEvents,
    private readonly guards: RescheduleGuards,
  ) {}

  /**
   * Places every request or none: all failures are collected and thrown together as
   * `DomainError('conflict', …, {conflicts})` naming each request's key. Must run inside the
   * caller's transaction (it takes transaction-scoped locks). `knownKinds` are visit kinds the
   * caller already read (a course booking reads its protocol's with the course): not read again.
   */
  async bookVisits(
    em: EntityManager,
    clinic: Clinic,
    requests: VisitRequest[],
    opts: BookOptions,
    knownKinds: VisitKind[] = [],
  ): Promise<Appointment[]> {
    if (requests.length === 0) return [];
    if (opts.status === 'held' && !opts.holdExpiresAt)
      throw new DomainError('validation', 'A hold needs an expiry', { path: 'holdExpiresAt' });
    // The patient lock before the clinic-time locks (the lock order in libs/persistence). Callers
    // take it first thing in their transaction, before their row locks; this is a no-op then, and
    // the guarantee when a caller forgot.
    await lockPatients(
      em,
      requests.map((r) => r.patientId),
    );
    const now = this.clock.now();
    const kinds = await this.kinds(
      em,
      requests.map((r) => r.kind),
      knownKinds,
    );
    // What each visit's start check reads: the rows overlapping its chair time.
    const windows = requests.map((r) => startCheckWindow(visitKindSpec(kinds.get(r.kind) as VisitKind, clinic), r.startsAt.getTime()));
    const capacity = await this.lockSweepLoad(em, clinic, windows, []);

    const conflicts: BookingConflict[] = [];
    const placed: { request: VisitRequest; kind: VisitKind; booking: ActiveBooking }[] = [];
    for (const request of requests) {
      const kind = kinds.get(request.kind) as VisitKind;
      const start = request.startsAt.getTime();
      const check = checkStart(
        capacity,
        visitKindSpec(kind, clinic),
        start,
        now,
        kind.needsChair ? (request.chairId ?? undefined) : undefined,
      );
      if (!check.ok) {
        conflicts.push({ key: request.key, startsAt: request.startsAt.toISOString(), reason: check.reason });
        continue;
      }
      // Later requests of the same batch must see this one, or two could share a chair or a nurse.
      const booking: ActiveBooking = {
        id: `pending-${String(request.key)}`,
        chairId: kind.needsChair ? check.chairIds[0] : null,
        clinicianShiftId: kind.needsClinician ? check.clinicianShiftIds[0] : null,
        start,
        end: check.times.end,
        chairReleasedAt: check.times.chairReleasedAt,
      };
      capacity.bookings.push(booking);
      placed.push({ request, kind, booking });
    }
    if (conflicts.length > 0) throw conflictError(conflicts);

    const rows: Appointment[] = placed.map(({ request, kind, booking }) =>
      Object.assign(new Appointment(), {
        id: randomUUID(),
        clinicId: clinic.id,
        patientId: request.patientId,
        courseId: request.courseId ?? null,
        bookingId: opts.bookingId ?? null,
        sequence: request.sequence ?? null,
        kind: kind.key,
        chairId: booking.chairId,
        clinicianShiftId: booking.clinicianShiftId,
        startsAt: new Date(booking.start),
        endsAt: new Date(booking.end),
        chairReleasedAt: new Date(booking.chairReleasedAt),
        chairTime: tstzrange({ start: booking.start, end: booking.chairReleasedAt }),
        visitTime: tstzrange({ start: booking.start, end: booking.end }),
        status: opts.status,
        holdExpiresAt: opts.status === 'held' ? (opts.holdExpiresAt ?? null) : null,
        rideStatus: kind.rideRequired ? 'unconfirmed' : 'not-required',
        flags: [],
        createdBy: opts.createdBy,
      }),
    );
    const refused = await this.insertAll(em, rows);
    // Rows a constraint refused are retried one by one: the retry's error names the constraint
    // (so the 409 names each lost sequence and why), and a slot freed meanwhile is simply taken.
    for (const row of refused) {
      const conflict = await this.saveGuarded(em, row, placed[rows.indexOf(row)].request.key);
      if (conflict) conflicts.push(conflict);
    }
    if (conflicts.length > 0) throw conflictError(conflicts);
    await this.assertChairsActive(
      em,
      rows.map((row, i) => ({ row, key: placed[i].request.key })),
    );
    await this.events.emit(
      em,
      rows.map((appointment) => ({ type: opts.status === 'held' ? ('held' as const) : ('booked' as const), appointment })),
    );
    return rows;
  }

  /**
   * Takes the clinic-time locks a booking of these visits' chair times would take, for a change
   * that makes existing rows count again without placing them anew: a hold confirmed. Without
   * them, a booking that judged the hold expired a moment later could fill the same nurse.
   */
  async lockChairTimes(em: EntityManager, clinicId: string, visits: Pick<Appointment, 'startsAt' | 'chairReleasedAt'>[]): Promise<void> {
    await lockKeys(
      em,
      lockKeysFor(
        clinicId,
        visits.map((v) => ({ start: v.startsAt.getTime(), end: v.chairReleasedAt.getTime() })),
      ),
    );
  }

  /** Cancels a visit (a held one is released); frees its chair at once. */
  async cancel(em: EntityManager, appt: Appointment, opts: CancelOptions): Promise<Appointment> {
    appt.status = appointmentMachine.next(appt.status, appt.status === 'held' ? 'release' : 'cancel');
    appt.cancelledAt = new Date(this.clock.now());
    appt.cancelReason = opts.reason;
    await em.getRepository(Appointment).save(appt);
    await this.events.emit(em, [{ type: 'cancelled', appointment: appt }]);
    return appt;
  }

  /** Records that the patient did not come; only once the visit's start has passed. */
  async markNoShow(em: EntityManager, appt: Appointment): Promise<Appointment> {
    const next = appointmentMachine.next(appt.status, 'no-show');
    if (this.clock.now() < appt.startsAt.getTime()) {
      throw new DomainError('invalid-state', 'A visit cannot be a no-show before it starts', { currentStatus: appt.status });
    }
    appt.status = next;
    await em.getRepository(Appointment).save(appt);
    await this.events.emit(em, [{ type: 'no-show', appointment: appt }]);
    return appt;
  }

  /**
   * Moves a booked visit to `newStart` (and `chairId` when given, else the first free capable
   * chair) through the same lock-and-check path as a booking; registered guards (course protocol
   * spacing) run first. The row keeps its id; its version bumps so delayed jobs see the move.
   */
  async reschedule(em: EntityManager, appt: Appointment, newStart: Date, chairId?: string | null): Promise<Appointment> {
    appointmentMachine.next(appt.status, 'reschedule');
    // The guards re-validate the rules that span the patient's visits (a course's protocol, the
    // rest day, REMS): only under the patient's lock is what they read still true at commit.
    await lockPatients(em, [appt.patientId]);
    await this.guards.check(em, appt, newStart);
    const clinic = await em.getRepository(Clinic).findOneOrFail({ where: { id: appt.clinicId } });
    const kind = await loadVisitKind(em, appt.kind);
    const capacity = await this.lockSweepLoad(em, clinic, [startCheckWindow(visitKindSpec(kind, clinic), newStart.getTime())], [appt.id]);
    const key = appt.sequence ?? appt.id;
    const check = checkStart(
      capacity,
      visitKindSpec(kind, clinic),
      newStart.getTime(),
      this.clock.now(),
      kind.needsChair ? (chairId ?? undefined) : undefined,
    );
    if (!check.ok) throw conflictError([{ key, startsAt: newStart.toISOString(), reason: check.reason }]);

    const previous = { startsAt: appt.startsAt, chairId: appt.chairId, version: appt.version };
    appt.startsAt = newStart;
    appt.endsAt = new Date(check.times.end);
    appt.chairReleasedAt = new Date(check.times.chairReleasedAt);
    appt.chairTime = tstzrange({ start: appt.startsAt.getTime(), end: appt.chairReleasedAt.getTime() });
    appt.visitTime = tstzrange({ start: appt.startsAt.getTime(), end: appt.endsAt.getTime() });
    appt.chairId = kind.needsChair ? check.chairIds[0] : null;
    appt.clinicianShiftId = kind.needsClinician ? check.clinicianShiftIds[0] : null;
    appt.status = appointmentMachine.next(appt.status, 'reschedule');
    const conflict = await this.saveGuarded(em, appt, key);
    if (conflict) throw conflictError([conflict]);
    await this.assertChairsActive(em, [{ row: appt, key }]);
    await this.events.emit(em, [{ type: 'rescheduled', appointment: appt, previous }]);
    return appt;
  }

  /**
   * Locks the clinic's time around the visits' start-check windows, loads the capacity overlapping
   * them and sweeps the expired holds in them.
   *
   * Why a lock: the nurse ratio and the start stagger span many chairs, so no single exclusion
   * constraint can express them. A start check reads only rows overlapping its window
   * ({@link startCheckWindow}, the visit's chair time), and a booking writes rows whose chair time
   * is that window: two bookings can change each other's answer only when their windows overlap.
   * So the advisory locks are taken on the 30-minute buckets of clinic time each window touches
   * ({@link lockKeysFor}): overlapping windows share a bucket and serialize, so the
   * check-then-insert below cannot race (two transactions each seeing the last nurse free), while
   * bookings of other hours of the same day go on at once. The clinic's set-up gate is passed in
   * shared mode first ({@link setupGateKey}): a set-up change removing capacity takes these same
   * buckets, or the gate when its time is too long to name bucket by bucket. Freeing capacity (a visit moved away or
   * cancelled) breaks no rule, so the time a visit leaves is not locked. The exclusion constraints
   * remain the final guard for chairs, patients and clinicians, whatever path wrote the row.
   */
  private async lockSweepLoad(em: EntityManager, clinic: Clinic, windows: Interval[], exclude: string[]): Promise<ClinicCapacity> {
    await lockKeys(em, lockKeysFor(clinic.id, windows), [setupGateKey(clinic.id)]);
    const capacity = await this.capacity.loadRanges(em, clinic, windows, { excludeAppointmentIds: exclude });
    // The load already leaves expired holds out; the sweep (only when it saw some) takes their rows
    // out of the exclusion constraints' way.
    if (capacity.expiredHoldIds.length === 0) return capacity;
    const swept = await this.sweep(em, clinic, windows, capacity.expiredHoldIds);
    // A hold the load judged expired but the sweep did not cancel changed meanwhile: confirmed (it
    // counts again), released or expired by its job. The capacity read above left it out, so it is
    // read again rather than trusted: a confirmed hold must not be booked over.
    if (swept < capacity.expiredHoldIds.length) return this.capacity.loadRanges(em, clinic, windows, { excludeAppointmentIds: exclude });
    return capacity;
  }

  /**
   * Re-reads, after the insert, whether the visits' chairs are still active. The capacity was
   * read before: a deactivation that committed since would otherwise leave these visits on a
   * chair out of service. The insert's foreign key already holds a key-share lock on each chair,
   * and deactivation locks the chair row before checking its future visits, so one of the two
   * always sees the other: a deactivation still open when we inserted has committed by now and is
   * seen here (this statement reads anew), and one that starts later waits for our commit and
   * then finds these visits (409 for it).
   */
  private async assertChairsActive(em: EntityManager, written: { row: Appointment; key: string | number }[]): Promise<void> {
    const chairIds = [...new Set(written.map((w) => w.row.chairId).filter((id): id is string => id !== null))];
    if (chairIds.length === 0) return;
    const inactive = new Set(
      (
        await txQuery<{ id: string }>(em, 'booking-inactive-chairs', 'SELECT id FROM chair WHERE id = ANY($1::uuid[]) AND NOT active', [
          chairIds,
        ])
      ).map((r) => r.id),
    );
    const lost = written.filter((w) => w.row.chairId !== null && inactive.has(w.row.chairId));
    if (lost.length > 0) {
      throw conflictError(lost.map((w) => ({ key: w.key, startsAt: w.row.startsAt.toISOString(), reason: 'chair-inactive' as const })));
    }
  }

  /** Cancels the expired holds among `ids` in the locked windows and tells the listeners; answers how many it cancelled. */
  private async sweep(em: EntityManager, clinic: Clinic, windows: Interval[], ids: string[]): Promise<number> {
    const now = new Date(this.clock.now());
    const [rows] = (await em.query(
      `UPDATE appointment SET status = 'cancelled', cancel_reason = 'hold-expired', cancelled_at = $2, version = version + 1, updated_at = $2
       WHERE id = ANY($4::uuid[]) AND clinic_id = $1 AND status = 'held' AND hold_expires_at <= $2
         AND chair_time && ANY($3::tstzrange[])
       RETURNING id`,
      [clinic.id, now, windows.map(tstzrange), ids],
    )) as [{ id: string }[], number];
    if (rows.length === 0) return 0;
    const expired = await em.getRepository(Appointment).find({ where: { id: In(rows.map((r) => r.id)) } });
    await this.events.emit(
      em,
      expired.map((appointment): AppointmentChange => ({ type: 'expired', appointment })),
    );
    return rows.length;
  }

  private async kinds(em: EntityManager, keys: string[], known: VisitKind[]): Promise<Map<string, VisitKind>> {
    const unique = [...new Set(keys)];
    const map = new Map(known.filter((k) => unique.includes(k.key)).map((k) => [k.key, k]));
    const toRead = unique.filter((k) => !map.has(k));
    if (toRead.length > 0) {
      for (const k of await em.getRepository(VisitKind).find({ where: { key: In(toRead) } })) map.set(k.key, k);
    }
    const missing = unique.find((k) => !map.has(k));
    if (missing !== undefined) throw new DomainError('validation', `Unknown visit kind '${missing.slice(0, 60)}'`, { path: 'kind' });
    return map;
  }

  /**
   * Inserts every row in ONE statement. `ON CONFLICT DO NOTHING` lets the exclusion constraints
   * refuse rows without aborting the transaction (a multi-row insert that raised would not say
   * which row lost); the rows the database refused are returned. Ids are chosen here so the
   * returned ids say which rows went in; version and timestamps come back from the database. The
   * rows travel as one array per column: the statement text is the same for any number of rows,
   * so it is prepared once per connection.
   */
  private async insertAll(em: EntityManager, rows: Appointment[]): Promise<Appointment[]> {
    const col = <T>(f: (a: Appointment) => T): T[] => rows.map(f);
    const inserted = new Map(
      (
        await txQuery<{ id: string; version: number; created_at: Date; updated_at: Date }>(em, 'booking-insert-visits', INSERT_SQL, [
          col((a) => a.id),
          col((a) => a.clinicId),
          col((a) => a.patientId),
          col((a) => a.courseId),
          col((a) => a.bookingId),
          col((a) => a.sequence),
          col((a) => a.kind),
          col((a) => a.chairId),
          col((a) => a.clinicianShiftId),
          col((a) => a.startsAt),
          col((a) => a.endsAt),
          col((a) => a.chairReleasedAt),
          col((a) => a.chairTime),
          col((a) => a.visitTime),
          col((a) => a.status),
          col((a) => a.holdExpiresAt),
          col((a) => a.rideStatus),
          col((a) => a.createdBy),
        ])
      ).map((r) => [r.id, r]),
    );
    const refused: Appointment[] = [];
    for (const row of rows) {
      const r = inserted.get(row.id);
      if (!r) {
        refused.push(row);
        continue;
      }
      row.version = r.version;
      row.createdAt = r.created_at;
      row.updatedAt = r.updated_at;
    }
    return refused;
  }

  /**
   * Saves one row under a savepoint so an exclusion violation names its request and leaves the
   * transaction usable for the next row (all conflicts are reported, then the caller rolls back).
   */
  private async saveGuarded(em: EntityManager, row: Appointment, key: string | number): Promise<BookingConflict | null> {
    await em.query('SAVEPOINT booking_row');
    try {
      await em.getRepository(Appointment).save(row);
      await em.query('RELEASE SAVEPOINT booking_row');
      return null;
    } catch (e) {
      await em.query('ROLLBACK TO SAVEPOINT booking_row');
      const reason = pgCode(e) === PG.exclusionViolation ? CONSTRAINT_CONFLICT[pgConstraint(e) ?? ''] : undefined;
      if (!reason) throw e;
      return { key, startsAt: row.startsAt.toISOString(), reason };
    }
  }
}

function conflictError(conflicts: BookingConflict[]): DomainError {
  return new DomainError('conflict', 'Some visits cannot be booked at the requested times', { conflicts });
}
