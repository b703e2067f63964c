import { DateTime } from 'luxon';
import { EntityManager, In } from 'typeorm';
import { Clock, screen, ScreeningInput } from '@chairtime/domain';
import { Appointment, Chair, Clinic, DEFAULT_CLINIC_SETTINGS, StaffShift } from '@chairtime/scheduling/entities';
import { Patient, RecordedVitals, Screening, Task } from '@chairtime/clinical/entities';
import { Booking, Course } from '@chairtime/courses/entities';
import {
  CHAIR_MINUTES,
  DEMO_DAY,
  DEMO_PATIENTS,
  DemoVisit,
  inductionDates,
  INTAKE_AT,
  NEXT_COURSE_PATIENT,
  PENDING_SCREENING_PATIENT,
} from './demo-day-layout';

const MINUTE = 60_000;
/** Visit minutes at the default settings: prep 10 + treatment + recovery (turnover excluded). */
const VISIT_MINUTES: Record<DemoVisit['kind'] | 'intake', number> = { 'iv-infusion': 80, 'im-injection': 80, spravato: 140, intake: 60 };
const LIVE = ['held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged'];
/** Demo patients' addresses: a reserved, fictional domain. */
const demoEmail = (p: { given: string; family: string }) => `${p.given}.${p.family}@demo.chairtime.dev`.toLowerCase();

type Hours = Record<number, { opens: string; closes: string }>;

/**
 * A realistic day for the demo clinic, dated relative to the day it runs, so the first screen a
 * newcomer sees is a working day: on the first open day from today (today on a working day),
 * visits in every state — treated this morning, in the chairs now, still to come, a no-show, a
 * vitals hold, a hold being made at the desk, a cancellation — an IV induction course at its
 * fourth of six visits, another starting today and one starting on the next open day, an intake
 * consult whose screening waits for review, and the open tasks those raise. Fictional people.
 *
 * Idempotent per day: nothing is written when the demo day already has its visits. On a later day
 * the earlier demo visits still ahead are cancelled first ("demo day replaced"), so the new day's
 * chairs are free; visits of anyone else in the clinic are never touched, and a demo visit whose
 * chair time someone else has taken meanwhile is left out (each group is written under a
 * savepoint). Rows are written directly, as they would be after those visits had happened, not
 * through the booking path: no messages are planned for the demo people.
 */
export async function seedDemoDay(em: EntityManager, clock: Clock, clinicId: string, hours: Hours): Promise<string | null> {
  const clinic = await em.findOneByOrFail(Clinic, { id: clinicId });
  const zone = clinic.timezone;
  const now = clock.now();
  const isOpen = (date: string) => hours[DateTime.fromISO(date, { zone }).weekday] !== undefined;
  let dayDt = DateTime.fromMillis(now, { zone }).startOf('day');
  while (!isOpen(dayDt.toISODate() as string)) dayDt = dayDt.plus({ days: 1 });
  const day = dayDt.toISODate() as string;
  const at = (date: string, minutesAfterOpening: number): Date => {
    const d = DateTime.fromISO(date, { zone });
    const [h, m] = hours[d.weekday].opens.split(':').map(Number);
    return d.set({ hour: h, minute: m }).plus({ minutes: minutesAfterOpening }).toJSDate();
  };
  const closing = (date: string): number => {
    const d = DateTime.fromISO(date, { zone });
    const [h, m] = hours[d.weekday].closes.split(':').map(Number);
    return d.set({ hour: h, minute: m }).toMillis();
  };

  const demoPatients = await ensureDemoPatients(em, clinicId);
  const dayStart = dayDt.toJSDate();
  const dayEnd = dayDt.plus({ days: 1 }).toJSDate();
  // A seeded day is known by its single visits (boosters, IM, Spravato): an earlier demo day's
  // induction courses reach into the following weeks, so their visits alone do not count.
  const already = await em
    .createQueryBuilder(Appointment, 'a')
    .leftJoin(Course, 'c', 'c.id = a.course_id')
    .where('a.clinic_id = :clinicId AND a.patient_id IN (:...ids) AND a.starts_at >= :dayStart AND a.starts_at < :dayEnd', {
      clinicId,
      ids: demoPatients,
      dayStart,
      dayEnd,
    })
    .andWhere("(c.id IS NULL OR c.protocol_key <> 'iv-induction')")
    .getExists();
  if (already) return null;
  await retireEarlierDemoVisits(em, clinicId, demoPatients, dayStart, now);

  const chairs = new Map((await em.find(Chair, { where: { clinicId } })).map((c) => [c.name, c.id]));
  const writer = new DemoWriter(em, clinicId, now);
  let written = 0;
  for (const v of DEMO_DAY) {
    const start = at(day, v.at);
    if (start.getTime() + CHAIR_MINUTES[v.kind] * MINUTE > closing(day)) continue;
    const patientId = demoPatients[v.patient];
    const chairId = chairs.get(v.chair) ?? null;
    const ok = await writer.group(async () => {
      if (v.course === 'mid-series' || v.course === 'starting') {
        const dates = inductionDates(day, v.course === 'mid-series' ? 3 : 0, zone, isOpen);
        // Future visits at hours that fit a short Saturday too, on the same chair.
        const futureAt = v.course === 'mid-series' ? 90 : 210;
        await writer.induction(patientId, chairId, dates, day, (d) => (d === day ? start : at(d, futureAt)), v);
      } else {
        await writer.single(v, patientId, chairId, start);
      }
    });
    if (ok) written++;
  }
  const pendingId = demoPatients[PENDING_SCREENING_PATIENT];
  await writer.group(async () => {
    await writer.screening(pendingId, 'pending-review');
    await em.insert(Task, {
      clinicId,
      patientId: pendingId,
      appointmentId: null,
      kind: 'screening-review',
      priority: 'normal',
      assigneeRole: 'clinician',
      status: 'open',
      dueAt: null,
      createdAt: new Date(now),
    });
    const start = at(day, INTAKE_AT);
    const clinician = await em
      .createQueryBuilder(StaffShift, 's')
      .where("s.clinic_id = :clinicId AND s.role = 'clinician' AND s.starts_at <= :start AND s.ends_at >= :end", {
        clinicId,
        start,
        end: new Date(start.getTime() + VISIT_MINUTES.intake * MINUTE),
      })
      .getOne();
    if (clinician) await writer.intake(pendingId, clinician.id, start);
  });
  const next = dayDt.plus({ days: 1 }).toISODate() as string;
  let nextOpen = next;
  while (!isOpen(nextOpen)) nextOpen = DateTime.fromISO(nextOpen, { zone }).plus({ days: 1 }).toISODate() as string;
  await writer.group(async () => {
    const dates = inductionDates(nextOpen, 0, zone, isOpen);
    const v: DemoVisit = {
      chair: 'Infusion 4',
      at: 150,
      kind: 'iv-infusion',
      status: 'booked',
      patient: NEXT_COURSE_PATIENT,
      ride: 'confirmed',
    };
    await writer.induction(demoPatients[NEXT_COURSE_PATIENT], chairs.get(v.chair) ?? null, dates, day, (d) => at(d, v.at), v);
  });
  return `demo day ${day}: ${written} chair visits, an intake consult, three induction courses, open tasks`;
}

/** The demo people (found by email, created once), in {@link DEMO_PATIENTS} order. */
async function ensureDemoPatients(em: EntityManager, clinicId: string): Promise<string[]> {
  const emails = DEMO_PATIENTS.map(demoEmail);
  const existing = await em.find(Patient, { where: { clinicId, email: In(emails) } });
  const byEmail = new Map(existing.map((p) => [p.email, p.id]));
  const ids: string[] = [];
  for (const p of DEMO_PATIENTS) {
    const email = demoEmail(p);
    let id = byEmail.get(email);
    if (!id) {
      const saved = await em.save(
        em.create(Patient, {
          clinicId,
          givenName: p.given,
          familyName: p.family,
          birthDate: p.born,
          email,
          phone: null,
          timezone: null,
          contactPreference: 'email',
          consent: { sms: false, email: true },
          rideContacts: [],
          remsEnrollmentId: `DEMO-${p.family.toUpperCase()}`,
          remsEnrolledOn: '2026-01-05',
        }),
      );
      id = saved.id;
    }
    ids.push(id);
  }
  return ids;
}

/** Cancels the demo people's visits still ahead from an earlier demo day, and closes what they raised. */
async function retireEarlierDemoVisits(em: EntityManager, clinicId: string, patientIds: string[], from: Date, now: number): Promise<void> {
  const retired: { id: string; course_id: string | null }[] = await em.query(
    `UPDATE appointment SET status = 'cancelled', cancelled_at = $4, cancel_reason = 'demo day replaced', hold_expires_at = NULL
      WHERE clinic_id = $1 AND patient_id = ANY($2) AND starts_at >= $3 AND status = ANY($5)
      RETURNING id, course_id`,
    [clinicId, patientIds, from, new Date(now), LIVE],
  );
  if (retired.length === 0) return;
  await em.query(
    `UPDATE task SET status = 'resolved', resolved_at = $2, note = 'demo day replaced' WHERE appointment_id = ANY($1) AND status <> 'resolved'`,
    [retired.map((r) => r.id), new Date(now)],
  );
  const courses = [...new Set(retired.map((r) => r.course_id).filter((c): c is string => c !== null))];
  if (courses.length) {
    await em.query(
      `UPDATE booking SET status = 'cancelled', hold_expires_at = NULL WHERE course_id = ANY($1) AND status IN ('held', 'booked')`,
      [courses],
    );
    await em.query(`UPDATE course SET status = 'cancelled', cancelled_at = $2 WHERE id = ANY($1) AND status <> 'cancelled'`, [
      courses,
      new Date(now),
    ]);
  }
}

interface VisitInput extends DemoVisit {
  patientId: string;
  chairId: string | null;
  courseId: string | null;
  sequence: number | null;
  start: Date;
  bookingId?: string | null;
}

/** Writes the demo rows; each group under a savepoint so a taken chair skips only that group. */
class DemoWriter {
  private savepoints = 0;

  constructor(
    private readonly em: EntityManager,
    private readonly clinicId: string,
    private readonly now: number,
  ) {}

  async group(write: () => Promise<void>): Promise<boolean> {
    const name = `demo_${++this.savepoints}`;
    await this.em.query(`SAVEPOINT ${name}`);
    try {
      await write();
      await this.em.query(`RELEASE SAVEPOINT ${name}`);
      return true;
    } catch (e) {
      // 23P01: exclusion violation — someone else's visit holds that chair or patient time.
      if ((e as { code?: string }).code !== '23P01') throw e;
      await this.em.query(`ROLLBACK TO SAVEPOINT ${name}`);
      return false;
    }
  }

  async course(patientId: string, protocolKey: string, firstVisit: Date, status: Course['status'] = 'booked'): Promise<string> {
    await this.screening(patientId, 'approved');
    const booster = protocolKey === 'iv-booster';
    const c = await this.em.save(
      this.em.create(Course, {
        clinicId: this.clinicId,
        patientId,
        protocolKey,
        protocolVersion: 1,
        status,
        // A booster is measured from the last induction infusion, about four weeks earlier.
        anchorAt: booster ? new Date(firstVisit.getTime() - 28 * 24 * 60 * MINUTE) : null,
        createdBy: null,
        cancelledAt: status === 'cancelled' ? new Date(this.now) : null,
      }),
    );
    return c.id;
  }

  /** A booster (its own one-visit course; a hold is a draft course with a held booking) or an ad-hoc visit. */
  async single(v: DemoVisit, patientId: string, chairId: string | null, start: Date): Promise<void> {
    if (v.course !== 'booster') return this.visit({ ...v, patientId, chairId, courseId: null, sequence: null, start });
    const held = v.status === 'held';
    const courseStatus = held ? 'draft' : v.status === 'cancelled' ? 'cancelled' : 'booked';
    const courseId = await this.course(patientId, 'iv-booster', start, courseStatus);
    const booking = await this.em.save(
      this.em.create(Booking, {
        clinicId: this.clinicId,
        courseId,
        status: held ? 'held' : v.status === 'cancelled' ? 'cancelled' : 'booked',
        holdExpiresAt: held ? new Date(this.now + 10 * MINUTE) : null,
        createdBy: null,
      }),
    );
    await this.visit({ ...v, patientId, chairId, courseId, sequence: 1, start, bookingId: booking.id });
  }

  async induction(
    patientId: string,
    chairId: string | null,
    dates: string[],
    today: string,
    startOf: (date: string) => Date,
    todays: DemoVisit,
  ): Promise<void> {
    const courseId = await this.course(patientId, 'iv-induction', startOf(dates[0]));
    const booking = await this.em.save(
      this.em.create(Booking, { clinicId: this.clinicId, courseId, status: 'booked', holdExpiresAt: null, createdBy: null }),
    );
    for (const [i, date] of dates.entries()) {
      const status = date < today ? 'discharged' : date === today ? todays.status : 'booked';
      const flags = date === today ? (todays.flags ?? []) : [];
      await this.visit({
        ...todays,
        status,
        flags,
        patientId,
        chairId,
        courseId,
        sequence: i + 1,
        start: startOf(date),
        bookingId: booking.id,
      });
    }
  }

  async visit(v: VisitInput): Promise<void> {
    const start = v.start.getTime();
    const end = start + VISIT_MINUTES[v.kind] * MINUTE;
    const released = start + CHAIR_MINUTES[v.kind] * MINUTE;
    const past = ['discharged', 'in-treatment', 'checked-in', 'vitals-hold'].includes(v.status);
    const ride = v.ride ?? 'unconfirmed';
    const appt = await this.em.save(
      this.em.create(Appointment, {
        clinicId: this.clinicId,
        patientId: v.patientId,
        courseId: v.courseId,
        bookingId: v.bookingId ?? null,
        sequence: v.sequence,
        kind: v.kind,
        chairId: v.chairId,
        clinicianShiftId: null,
        startsAt: new Date(start),
        endsAt: new Date(end),
        chairReleasedAt: new Date(released),
        chairTime: `[${new Date(start).toISOString()},${new Date(released).toISOString()})`,
        visitTime: `[${new Date(start).toISOString()},${new Date(end).toISOString()})`,
        status: v.status,
        holdExpiresAt: v.status === 'held' ? new Date(this.now + 10 * MINUTE) : null,
        rideStatus: ride,
        rideDriverName: ride === 'confirmed' ? 'Family member' : null,
        rideDriverPhone: ride === 'confirmed' ? '+15555550100' : null,
        flags: v.flags ?? [],
        checkedInAt: past ? new Date(start - 15 * MINUTE) : null,
        startedAt: ['discharged', 'in-treatment'].includes(v.status) ? new Date(start + 10 * MINUTE) : null,
        dischargedAt: v.status === 'discharged' ? new Date(end) : null,
        rideHandoffName: v.status === 'discharged' ? 'Family member' : null,
        cancelledAt: v.status === 'cancelled' ? new Date(start - 26 * 60 * MINUTE) : null,
        cancelReason: v.status === 'cancelled' ? 'patient unwell' : null,
        createdBy: null,
      }),
    );
    if (past) await this.vitals(appt, v.status === 'vitals-hold');
    const task = (kind: string, priority: Task['priority'], assigneeRole: Task['assigneeRole']) =>
      this.em.insert(Task, {
        clinicId: this.clinicId,
        patientId: v.patientId,
        appointmentId: appt.id,
        kind,
        priority,
        assigneeRole,
        status: 'open',
        dueAt: null,
        createdAt: new Date(Math.min(this.now, start)),
      });
    if (v.status === 'vitals-hold') await task('vitals-hold', 'high', 'clinician');
    if (v.status === 'no-show') await task('no-show', 'normal', null);
    if (v.flags?.includes('ride-unconfirmed')) await task('ride-unconfirmed', 'normal', null);
    if (v.kind === 'spravato' && v.status === 'discharged') await task('rems-form-due', 'normal', 'nurse');
  }

  async intake(patientId: string, clinicianShiftId: string, start: Date): Promise<void> {
    const end = new Date(start.getTime() + VISIT_MINUTES.intake * MINUTE);
    await this.em.insert(Appointment, {
      clinicId: this.clinicId,
      patientId,
      courseId: null,
      sequence: null,
      kind: 'intake',
      chairId: null,
      clinicianShiftId,
      startsAt: start,
      endsAt: end,
      chairReleasedAt: end,
      chairTime: `[${start.toISOString()},${end.toISOString()})`,
      visitTime: `[${start.toISOString()},${end.toISOString()})`,
      status: 'booked',
      rideStatus: 'not-required',
      flags: [],
    });
  }

  /** Pre-treatment readings: two over the hold threshold 15 minutes apart for a vitals hold. */
  private async vitals(appt: Appointment, hold: boolean): Promise<void> {
    const base = { appointmentId: appt.id, clinicId: this.clinicId, patientId: appt.patientId, phase: 'pre' as const, recordedBy: null };
    const taken = appt.startsAt.getTime() - 10 * MINUTE;
    const readings = hold
      ? [
          { ...base, systolic: 168, diastolic: 104, heartRate: 92, spo2: 98, accepted: false, takenAt: new Date(taken - 15 * MINUTE) },
          { ...base, systolic: 166, diastolic: 102, heartRate: 90, spo2: 98, accepted: false, takenAt: new Date(taken) },
        ]
      : [{ ...base, systolic: 128, diastolic: 82, heartRate: 74, spo2: 98, accepted: true, takenAt: new Date(taken) }];
    await this.em.insert(RecordedVitals, readings);
  }

  /** A screening (found or written) in the given state, screened by the domain's own rules. */
  async screening(patientId: string, status: 'approved' | 'pending-review'): Promise<void> {
    if (await this.em.exists(Screening, { where: { patientId, clinicId: this.clinicId } })) return;
    const inputs: ScreeningInput = {
      diagnoses: ['major-depressive-disorder'],
      antidepressantTrialsFailed: 3,
      systolic: 124,
      diastolic: 80,
      relativeFlags: [],
      phq9: [2, 2, 3, 2, 2, 2, 1, 1, 0],
      gad7: [2, 1, 2, 1, 1, 1, 1],
    };
    const result = screen(inputs, DEFAULT_CLINIC_SETTINGS.vitalsHold);
    await this.em.insert(Screening, {
      clinicId: this.clinicId,
      patientId,
      inputs,
      status,
      contraindications: result.contraindications,
      indications: result.indications,
      relativeFlags: result.relativeFlags,
      phq9Baseline: result.scores.phq9?.score ?? null,
      gad7Baseline: result.scores.gad7?.score ?? null,
      createdBy: null,
      decidedBy: null,
      decidedAt: status === 'approved' ? new Date(this.now - 30 * 24 * 60 * MINUTE) : null,
      decisionNote: status === 'approved' ? 'Approved for ketamine treatment' : null,
    });
  }
}
