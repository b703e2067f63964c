import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { findForbiddenWords, FixedClock, OFFER_MINUTES } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { MessageLinks, SendMessageHandler } from '@chairtime/messaging';
import { ExpireWaitlistOfferHandler, OfferFreedTimeHandler } from '@chairtime/waitlist';
import { asPatient, asStaff } from '../support/auth';
import { inductionStarts, localIso, newClinic, newPatient, startCoursesApi, TestClinic } from '../support/courses-factories';

// Monday 2027-03-01 09:00 in New York: past quiet hours, so offers go out at once.
const NOW = Date.parse('2027-03-01T14:00:00Z');
const ZONE = 'America/New_York';
/** The visit that is cancelled: Friday 2027-03-05 10:00. */
const FREED = localIso('2027-03-05', '10:00', ZONE);

interface Waiter {
  patientId: string;
  courseId: string;
  entryId?: string;
  starts: string[];
}

/**
 * The waitlist against the real API, Postgres and the real job handlers (called directly with the
 * payload the outbox holds, instead of waiting for the relay): cancel → freed time → offers to
 * fitting entries only → first claim wins.
 */
describe('waitlist (e2e)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;
  let clinic: TestClinic;
  let other: TestClinic;
  let http: ReturnType<typeof request>;
  const scheduler = () => asStaff(app, Role.Scheduler, clinic.id);

  beforeAll(async () => {
    app = await startCoursesApi(clock);
    ds = app.get(DataSource);
    clinic = await newClinic(ds, { zone: ZONE, chairs: 4, nurses: 4, fromDate: '2027-03-01', days: 60 });
    other = await newClinic(ds, { zone: ZONE, chairs: 1, nurses: 1, fromDate: '2027-03-01', days: 40 });
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => clock.set(NOW));

  /** A patient with a booked IV induction at the given starts. */
  async function bookedCourse(starts: string[], c: TestClinic = clinic): Promise<Waiter> {
    const patientId = await newPatient(ds, c.id);
    const staff = asStaff(app, Role.Scheduler, c.id);
    const course = await http.post('/v1/courses').set(staff).send({ patientId, clinicId: c.id, protocolKey: 'iv-induction' }).expect(201);
    const visits = starts.map((startsAt, i) => ({ sequence: i + 1, startsAt }));
    await http.post(`/v1/courses/${course.body.id}/bookings`).set(staff).send({ visits }).expect(201);
    return { patientId, courseId: course.body.id as string, starts };
  }

  async function join(w: Waiter, earliest: string, latest: string): Promise<void> {
    const res = await http
      .post(`/v1/clinics/${clinic.id}/waitlist`)
      .set(scheduler())
      .send({ courseId: w.courseId, earliest, latest })
      .expect(201);
    expect(res.body).toMatchObject({ status: 'waiting', courseId: w.courseId, patientId: w.patientId, offers: [] });
    w.entryId = res.body.id as string;
  }

  const entryCount = async (): Promise<number> =>
    Number((await ds.query(`SELECT count(*) AS n FROM waitlist_entry WHERE clinic_id = $1`, [clinic.id]))[0].n);

  const visitsOf = (courseId: string): Promise<{ id: string; starts_at: Date; chair_id: string; version: number; status: string }[]> =>
    ds.query(`SELECT id, starts_at, chair_id, version, status FROM appointment WHERE course_id = $1 ORDER BY sequence`, [courseId]);

  async function offerFreedTimes(sourceAppointmentId: string): Promise<string> {
    const [freed] = await ds.query<{ id: string }[]>(`SELECT id FROM freed_chair_time WHERE source_appointment_id = $1`, [
      sourceAppointmentId,
    ]);
    expect(freed).toBeDefined();
    const [job] = await ds.query<{ payload: { freedId: string } }[]>(
      `SELECT payload FROM outbox_entry WHERE job_name = 'offer-freed-time' AND payload->>'freedId' = $1`,
      [freed.id],
    );
    expect(job.payload).toEqual({ freedId: freed.id });
    await app.get(OfferFreedTimeHandler).handle(job.payload);
    return freed.id;
  }

  const offersOf = (
    freedId: string,
  ): Promise<{ id: string; entry_id: string; status: string; appointment_id: string; message_id: string }[]> =>
    ds.query(`SELECT id, entry_id, status, appointment_id, message_id FROM waitlist_offer WHERE freed_id = $1 ORDER BY created_at, id`, [
      freedId,
    ]);

  /** The `waitlist-offer-gone` messages of these patients. */
  const goneNoticesOf = (
    patientIds: string[],
  ): Promise<{ id: string; patient_id: string; status: string; planned_at: Date; send_at: Date }[]> =>
    ds.query(
      `SELECT id, patient_id, status, planned_at, send_at FROM message WHERE kind = 'waitlist-offer-gone' AND patient_id = ANY($1)`,
      [patientIds],
    );

  const sendJobsOf = (messageId: string): Promise<{ payload: unknown; run_at: Date }[]> =>
    ds.query(`SELECT payload, run_at FROM outbox_entry WHERE job_name = 'send-message' AND payload->>'messageId' = $1`, [messageId]);

  /**
   * Sends a message through the worker's real send handler (the class, here on the API's data
   * source and clock; log channel) and returns its rendered SMS, scanned for clinical words.
   */
  async function sendNotice(messageId: string): Promise<string> {
    await new SendMessageHandler(ds, clock, app.get<AppConfig>(APP_CONFIG), app.get(MessageLinks)).handle({ messageId });
    const [sent] = await ds.query<{ status: string; rendered_body: string }[]>(`SELECT status, rendered_body FROM message WHERE id = $1`, [
      messageId,
    ]);
    expect(sent.status).toBe('sent');
    expect(findForbiddenWords(sent.rendered_body)).toEqual([]);
    return sent.rendered_body;
  }

  describe('a cancellation offers the freed chair time, and the first claim wins', () => {
    let cancelled: { id: string; chairId: string };
    let a: Waiter, b: Waiter, c: Waiter, d: Waiter, e: Waiter, f: Waiter;
    let freedId: string;
    /** The one-tap link each offer's message carried, by offer id. */
    const links = new Map<string, string>();

    beforeAll(async () => {
      const x = await newPatient(ds, clinic.id);
      const booked = await http
        .post('/v1/appointments')
        .set(scheduler())
        .send({ patientId: x, clinicId: clinic.id, kind: 'iv-infusion', startsAt: FREED, chairId: clinic.chairIds[0] })
        .expect(201);
      cancelled = { id: booked.body.id, chairId: booked.body.chairId };
      // B: Thu 03-04, Sat 03-06, …: moving its 03-06 visit to Fri 03-05 leaves one day after 03-04 (min gap 2).
      b = await bookedCourse(
        ['2027-03-04', '2027-03-06', '2027-03-08', '2027-03-11', '2027-03-13', '2027-03-15'].map((day) => localIso(day, '09:00', ZONE)),
      );
      // C's window ends before the freed time.
      c = await bookedCourse(inductionStarts('2027-03-08', '14:00', ZONE));
      // A, D, E, F: Mon/Wed/Fri from 03-08 — visit 1 can come forward to Fri 03-05.
      a = await bookedCourse(inductionStarts('2027-03-08', '10:00', ZONE));
      d = await bookedCourse(inductionStarts('2027-03-08', '11:00', ZONE));
      e = await bookedCourse(inductionStarts('2027-03-08', '12:00', ZONE));
      f = await bookedCourse(inductionStarts('2027-03-08', '13:00', ZONE));
      const wide = [localIso('2027-03-02', '00:00', ZONE), localIso('2027-03-31', '00:00', ZONE)] as const;
      await join(b, ...wide);
      await join(c, localIso('2027-03-06', '00:00', ZONE), localIso('2027-03-20', '00:00', ZONE));
      await join(a, ...wide);
      await join(d, ...wide);
      await join(e, ...wide);
      await join(f, ...wide);
    });

    it('records the freed time with the cancel and offers it to the first three entries that fit', async () => {
      await http.post(`/v1/appointments/${cancelled.id}/cancel`).set(scheduler()).send({ reason: 'patient called' }).expect(200);
      freedId = await offerFreedTimes(cancelled.id);
      const offers = await offersOf(freedId);
      // B (min gap) and C (window) are skipped although they joined first; F is fourth in line.
      expect(offers.map((o) => o.entry_id).sort()).toEqual([a.entryId, d.entryId, e.entryId].sort());
      expect(offers.every((o) => o.status === 'offered')).toBe(true);
      const aOffer = offers.find((o) => o.entry_id === a.entryId)!;
      expect(aOffer.appointment_id).toBe((await visitsOf(a.courseId))[0].id);

      const messages = await ds.query<{ kind: string; status: string; planned_at: Date; patient_id: string }[]>(
        `SELECT kind, status, planned_at, patient_id FROM message WHERE id = ANY($1)`,
        [offers.map((o) => o.message_id)],
      );
      expect(messages).toHaveLength(3);
      expect(messages.every((m) => m.kind === 'waitlist-offer' && m.status === 'scheduled' && m.planned_at.toISOString() === FREED)).toBe(
        true,
      );
      const [jobs] = await ds.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM outbox_entry WHERE job_name = 'send-message' AND payload->>'messageId' = ANY($1)`,
        [offers.map((o) => o.message_id)],
      );
      expect(Number(jobs.n)).toBe(3);

      // The worker's send handler sends each offer with its claim link.
      for (const o of offers) {
        const body = await sendNotice(o.message_id);
        expect(body).toMatch(
          /^Clinic [0-9a-f]{8}: an earlier time opened up on Fri, Mar 5 at 10:00 AM\. Tap to take it: http:\/\/localhost:3000\/v1\/actions\/\S+$/,
        );
        // The link is absolute (PUBLIC_BASE_URL); the test's app answers its path.
        const link = new URL(body.split(' ').pop() as string).pathname;
        links.set(o.id, link);
        const described = await http.get(link).expect(200);
        expect(described.body).toEqual({ purpose: 'claim-waitlist-offer', startsAt: FREED, expiresAt: expect.any(String), used: false });
        expect(Date.parse(described.body.expiresAt)).toBe(NOW + OFFER_MINUTES * 60_000);
      }

      const mine = await http
        .get(`/v1/clinics/${clinic.id}/waitlist/${a.entryId}`)
        .set(asPatient(app, a.patientId, clinic.id))
        .expect(200);
      expect(mine.body).toMatchObject({ status: 'offered', offers: [{ startsAt: FREED, chairId: cancelled.chairId, status: 'offered' }] });
      const list = await http.get(`/v1/clinics/${clinic.id}/waitlist?limit=4`).set(scheduler()).expect(200);
      expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([b.entryId, c.entryId, a.entryId, d.entryId]);
      const rest = await http.get(`/v1/clinics/${clinic.id}/waitlist?limit=4&cursor=${list.body.nextCursor}`).set(scheduler()).expect(200);
      expect(rest.body.items.map((i: { id: string }) => i.id)).toEqual([e.entryId, f.entryId]);
      expect(rest.body.nextCursor).toBeNull();
    });

    it('a repeated offer job offers nothing more', async () => {
      await app.get(OfferFreedTimeHandler).handle({ freedId });
      expect(await offersOf(freedId)).toHaveLength(3);
    });

    it('ten concurrent claims of the offer set: exactly one wins, the others are 409 and nothing is half-written', async () => {
      const offers = await offersOf(freedId);
      const byEntry = new Map([a, d, e].map((w) => [w.entryId, w]));
      const before = new Map(await Promise.all([a, d, e].map(async (w) => [w.courseId, await visitsOf(w.courseId)] as const)));
      const claims = Array.from({ length: 10 }, (_, i) => {
        const offer = offers[i % 3];
        const w = byEntry.get(offer.entry_id)!;
        // Some claim in the app, some through the message's one-tap link (no login).
        if (i >= 6) return http.post(links.get(offer.id)!).send({});
        return http.post(`/v1/waitlist/offers/${offer.id}/claim`).set(asPatient(app, w.patientId, clinic.id));
      });
      const results = await Promise.all(claims);
      const won = results.filter((r) => r.status === 200);
      expect(won).toHaveLength(1);
      expect(results.filter((r) => r.status === 409)).toHaveLength(9);

      const after = await offersOf(freedId);
      expect(after.filter((o) => o.status === 'claimed')).toHaveLength(1);
      expect(after.filter((o) => o.status === 'gone')).toHaveLength(2);
      const winner = after.find((o) => o.status === 'claimed')!;
      const winnerCourse = byEntry.get(winner.entry_id)!.courseId;
      for (const [courseId, visits] of before) {
        const now = await visitsOf(courseId);
        if (courseId === winnerCourse) {
          expect(now[0].starts_at.toISOString()).toBe(FREED);
          expect(now[0].chair_id).toBe(cancelled.chairId);
          expect(now.slice(1)).toEqual(visits.slice(1));
        } else {
          expect(now).toEqual(visits);
        }
      }
      const statuses = await ds.query<{ id: string; status: string }[]>(`SELECT id, status FROM waitlist_entry WHERE id = ANY($1)`, [
        [a.entryId, d.entryId, e.entryId],
      ]);
      for (const s of statuses) expect(s.status).toBe(s.id === winner.entry_id ? 'fulfilled' : 'waiting');
      const [freed] = await ds.query<{ status: string }[]>(`SELECT status FROM freed_chair_time WHERE id = $1`, [freedId]);
      expect(freed.status).toBe('claimed');
      // The winner's visit left its old time free in turn.
      const [moved] = await ds.query<{ starts_at: Date }[]>(`SELECT starts_at FROM freed_chair_time WHERE source_appointment_id = $1`, [
        winner.appointment_id,
      ]);
      expect(moved.starts_at.toISOString()).toBe(before.get(winnerCourse)![0].starts_at.toISOString());
      // The links now describe used offers; a claim that lost stays lost.
      for (const o of after) expect((await http.get(links.get(o.id)!).expect(200)).body.used).toBe(true);
      const again = await http
        .post(`/v1/waitlist/offers/${winner.id}/claim`)
        .set(asPatient(app, byEntry.get(winner.entry_id)!.patientId, clinic.id));
      expect(again.status).toBe(409);
      expect(again.body.currentStatus).toBe('claimed');

      // Every offer message was sent, so each loser — and only they — is told the time is gone.
      const gone = await goneNoticesOf([a, d, e].map((w) => w.patientId));
      const losers = after.filter((o) => o.status === 'gone').map((o) => byEntry.get(o.entry_id)!.patientId);
      expect(gone.map((m) => m.patient_id).sort()).toEqual(losers.sort());
      for (const m of gone) {
        expect(m).toMatchObject({ status: 'scheduled', planned_at: new Date(FREED), send_at: new Date(NOW) });
        expect(await sendJobsOf(m.id)).toEqual([{ payload: { messageId: m.id }, run_at: new Date(NOW) }]);
        expect(await sendNotice(m.id)).toMatch(
          /^Clinic [0-9a-f]{8}: the time you were offered on Fri, Mar 5 at 10:00 AM has been taken; you stay on the waitlist\.$/,
        );
      }
    });

    it('withdraw: the entry leaves the line once; the list no longer shows it', async () => {
      const me = asPatient(app, f.patientId, clinic.id);
      await http.delete(`/v1/clinics/${clinic.id}/waitlist/${f.entryId}`).set(me).expect(204);
      const got = await http.get(`/v1/clinics/${clinic.id}/waitlist/${f.entryId}`).set(me).expect(200);
      expect(got.body.status).toBe('withdrawn');
      const again = await http.delete(`/v1/clinics/${clinic.id}/waitlist/${f.entryId}`).set(me).expect(409);
      expect(again.body.currentStatus).toBe('withdrawn');
      const list = await http.get(`/v1/clinics/${clinic.id}/waitlist?limit=200`).set(scheduler()).expect(200);
      expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(f.entryId);
      const mine = await http.get(`/v1/clinics/${clinic.id}/waitlist?status=withdrawn`).set(me).expect(200);
      expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([f.entryId]);
    });

    it('scope: another patient or clinic gets 404, a nurse 403', async () => {
      const stranger = asPatient(app, b.patientId, clinic.id);
      await http.get(`/v1/clinics/${clinic.id}/waitlist/${a.entryId}`).set(stranger).expect(404);
      await http.delete(`/v1/clinics/${clinic.id}/waitlist/${a.entryId}`).set(stranger).expect(404);
      await http
        .get(`/v1/clinics/${clinic.id}/waitlist/${a.entryId}`)
        .set(asStaff(app, Role.Scheduler, other.id))
        .expect(404);
      await http
        .get(`/v1/clinics/${other.id}/waitlist/${a.entryId}`)
        .set(asStaff(app, Role.Scheduler, other.id))
        .expect(404);
      await http
        .get(`/v1/clinics/${clinic.id}/waitlist`)
        .set(asStaff(app, Role.Scheduler, other.id))
        .expect(404);
      await http
        .get(`/v1/clinics/${clinic.id}/waitlist`)
        .set(asStaff(app, Role.Nurse, clinic.id))
        .expect(403);
      const [offer] = await offersOf(freedId);
      await http.post(`/v1/waitlist/offers/${offer.id}/claim`).set(stranger).expect(404);
      await http
        .post(`/v1/waitlist/offers/${offer.id}/claim`)
        .set(asStaff(app, Role.Scheduler, other.id))
        .expect(404);
      await http.post(`/v1/waitlist/offers/${offer.id}/claim`).expect(401);
      const theirs = await http.get(`/v1/clinics/${clinic.id}/waitlist`).set(stranger).expect(200);
      expect(theirs.body.items.map((i: { patientId: string }) => i.patientId)).toEqual([b.patientId]);
    });
  });

  describe('someone off the list books the chair time', () => {
    it('every offer is gone; patients whose offer was sent are told after quiet hours, an unsent offer is withdrawn', async () => {
      const x = await newPatient(ds, clinic.id);
      // After every other entry's window, so only I, J and K are in line for it.
      const slot = localIso('2027-04-09', '15:00', ZONE);
      const booked = await http
        .post('/v1/appointments')
        .set(scheduler())
        .send({ patientId: x, clinicId: clinic.id, kind: 'iv-infusion', startsAt: slot, chairId: clinic.chairIds[3] })
        .expect(201);
      const [i, j, k] = [
        await bookedCourse(inductionStarts('2027-04-12', '10:00', ZONE)),
        await bookedCourse(inductionStarts('2027-04-12', '11:00', ZONE)),
        await bookedCourse(inductionStarts('2027-04-12', '12:00', ZONE)),
      ];
      const window = [localIso('2027-04-09', '14:00', ZONE), localIso('2027-04-09', '16:00', ZONE)] as const;
      for (const w of [i, j, k]) await join(w, ...window);
      await http.post(`/v1/appointments/${booked.body.id}/cancel`).set(scheduler()).send({ reason: 'ill' }).expect(200);

      // The offers go out just before quiet hours (21:00 in New York); K's message is still queued.
      clock.set(Date.parse(localIso('2027-04-05', '20:45', ZONE)));
      const freedId = await offerFreedTimes(booked.body.id);
      const offers = await offersOf(freedId);
      expect(offers.map((o) => o.entry_id).sort()).toEqual([i.entryId, j.entryId, k.entryId].sort());
      const [oi, oj, ok] = [i, j, k].map((w) => offers.find((o) => o.entry_id === w.entryId)!);
      for (const o of [oi, oj]) await sendNotice(o.message_id);

      // Inside quiet hours, a scheduler books the chair time for a patient not on the list; I's claim then loses.
      clock.set(Date.parse(localIso('2027-04-05', '21:05', ZONE)));
      const y = await newPatient(ds, clinic.id);
      await http
        .post('/v1/appointments')
        .set(scheduler())
        .send({ patientId: y, clinicId: clinic.id, kind: 'iv-infusion', startsAt: slot, chairId: clinic.chairIds[3] })
        .expect(201);
      const lost = await http
        .post(`/v1/waitlist/offers/${oi.id}/claim`)
        .set(asPatient(app, i.patientId, clinic.id))
        .expect(409);
      expect(lost.body.currentStatus).toBe('gone');
      expect((await offersOf(freedId)).map((o) => o.status)).toEqual(['gone', 'gone', 'gone']);
      const [unsent] = await ds.query<{ status: string }[]>(`SELECT status FROM message WHERE id = $1`, [ok.message_id]);
      expect(unsent.status).toBe('superseded');

      const morning = new Date(localIso('2027-04-06', '08:00', ZONE));
      const gone = await goneNoticesOf([i, j, k].map((w) => w.patientId));
      expect(gone.map((m) => m.patient_id).sort()).toEqual([i.patientId, j.patientId].sort());
      clock.set(morning.getTime());
      for (const m of gone) {
        expect(m).toMatchObject({ status: 'scheduled', planned_at: new Date(slot), send_at: morning });
        expect(await sendJobsOf(m.id)).toEqual([{ payload: { messageId: m.id }, run_at: morning }]);
        expect(await sendNotice(m.id)).toMatch(
          /^Clinic [0-9a-f]{8}: the time you were offered on Fri, Apr 9 at 3:00 PM has been taken; you stay on the waitlist\.$/,
        );
      }
      // A repeated claim closes nothing more and tells no one twice.
      await http
        .post(`/v1/waitlist/offers/${oj.id}/claim`)
        .set(asPatient(app, j.patientId, clinic.id))
        .expect(409);
      expect(await goneNoticesOf([i, j, k].map((w) => w.patientId))).toHaveLength(2);
    });

    it('a claim of an offer whose time already lapsed loses, and its patient is told', async () => {
      const x = await newPatient(ds, clinic.id);
      const slot = localIso('2027-04-16', '15:00', ZONE);
      const booked = await http
        .post('/v1/appointments')
        .set(scheduler())
        .send({ patientId: x, clinicId: clinic.id, kind: 'iv-infusion', startsAt: slot, chairId: clinic.chairIds[3] })
        .expect(201);
      const l = await bookedCourse(inductionStarts('2027-04-19', '10:00', ZONE));
      await join(l, localIso('2027-04-16', '14:00', ZONE), localIso('2027-04-16', '16:00', ZONE));
      await http.post(`/v1/appointments/${booked.body.id}/cancel`).set(scheduler()).send({ reason: 'ill' }).expect(200);
      const freedId = await offerFreedTimes(booked.body.id);
      const [offer] = await offersOf(freedId);
      await sendNotice(offer.message_id);
      const y = await newPatient(ds, clinic.id);
      await http
        .post('/v1/appointments')
        .set(scheduler())
        .send({ patientId: y, clinicId: clinic.id, kind: 'iv-infusion', startsAt: slot, chairId: clinic.chairIds[3] })
        .expect(201);
      // A repeated offer job finds the chair booked again: the freed time lapses, the offer is still open.
      await app.get(OfferFreedTimeHandler).handle({ freedId });
      const [freed] = await ds.query<{ status: string }[]>(`SELECT status FROM freed_chair_time WHERE id = $1`, [freedId]);
      expect(freed.status).toBe('lapsed');

      const lost = await http
        .post(`/v1/waitlist/offers/${offer.id}/claim`)
        .set(asPatient(app, l.patientId, clinic.id))
        .expect(409);
      expect(lost.body.currentStatus).toBe('gone');
      const gone = await goneNoticesOf([l.patientId]);
      expect(gone).toHaveLength(1);
      expect(gone[0]).toMatchObject({ status: 'scheduled', planned_at: new Date(slot), send_at: new Date(NOW) });
      expect(await sendNotice(gone[0].id)).toContain('the time you were offered on Fri, Apr 16 at 3:00 PM has been taken');
    });
  });

  describe('offers expire', () => {
    it('an expired offer cannot be claimed; the expiry job puts the entry back and re-offers the time', async () => {
      const x = await newPatient(ds, clinic.id);
      // After every other entry's window, so only G and H are in line for it.
      const slot = localIso('2027-04-02', '15:00', ZONE);
      const booked = await http
        .post('/v1/appointments')
        .set(scheduler())
        .send({ patientId: x, clinicId: clinic.id, kind: 'iv-infusion', startsAt: slot, chairId: clinic.chairIds[1] })
        .expect(201);
      const g = await bookedCourse(inductionStarts('2027-04-05', '16:00', ZONE));
      const h = await bookedCourse(inductionStarts('2027-04-05', '17:00', ZONE));
      const window = [localIso('2027-04-02', '14:00', ZONE), localIso('2027-04-02', '16:00', ZONE)] as const;
      await join(g, ...window);
      await http.post(`/v1/appointments/${booked.body.id}/cancel`).set(scheduler()).send({ reason: 'ill' }).expect(200);
      const freedId = await offerFreedTimes(booked.body.id);
      const offers = await offersOf(freedId);
      expect(offers.map((o) => o.entry_id)).toEqual([g.entryId]);
      const [offer] = offers;
      // H joins after the offer went out: next in line once G's offer lapses.
      await join(h, ...window);

      clock.advance(OFFER_MINUTES * 60_000);
      const late = await http
        .post(`/v1/waitlist/offers/${offer.id}/claim`)
        .set(asPatient(app, g.patientId, clinic.id))
        .expect(409);
      expect(late.body.currentStatus).toBe('expired');
      const [job] = await ds.query<{ payload: { offerId: string }; run_at: Date }[]>(
        `SELECT payload, run_at FROM outbox_entry WHERE job_name = 'expire-waitlist-offer' AND payload->>'offerId' = $1`,
        [offer.id],
      );
      expect(job.run_at.getTime()).toBe(NOW + OFFER_MINUTES * 60_000);
      await app.get(ExpireWaitlistOfferHandler).handle(job.payload);
      const [expired] = await offersOf(freedId);
      expect(expired.status).toBe('expired');
      // Its message was never sent (no worker here): it is withdrawn, not sent late.
      const [message] = await ds.query<{ status: string }[]>(`SELECT status FROM message WHERE id = $1`, [expired.message_id]);
      expect(message.status).toBe('superseded');
      const [entry] = await ds.query<{ status: string }[]>(`SELECT status FROM waitlist_entry WHERE id = $1`, [g.entryId]);
      expect(entry.status).toBe('waiting');
      const reoffers = await ds.query<{ payload: { freedId: string } }[]>(
        `SELECT payload FROM outbox_entry WHERE job_name = 'offer-freed-time' AND payload->>'freedId' = $1 AND done_at IS NULL`,
        [freedId],
      );
      expect(reoffers).toHaveLength(2);
      await app.get(OfferFreedTimeHandler).handle({ freedId });
      const all = await offersOf(freedId);
      expect(all.map((o) => [o.entry_id, o.status])).toEqual([
        [g.entryId, 'expired'],
        [h.entryId, 'offered'],
      ]);
    });
  });

  describe('what frees chair time', () => {
    it('a no-show frees nothing; moving a visit away frees where it was', async () => {
      const x = await newPatient(ds, clinic.id);
      const start = localIso('2027-03-02', '08:00', ZONE);
      const booked = await http
        .post('/v1/appointments')
        .set(scheduler())
        .send({ patientId: x, clinicId: clinic.id, kind: 'iv-infusion', startsAt: start, chairId: clinic.chairIds[2] })
        .expect(201);
      clock.set(Date.parse(start) + 3600_000);
      await http.post(`/v1/appointments/${booked.body.id}/no-show`).set(scheduler()).expect(200);
      expect(await ds.query(`SELECT 1 FROM freed_chair_time WHERE source_appointment_id = $1`, [booked.body.id])).toEqual([]);

      clock.set(NOW);
      const y = await newPatient(ds, clinic.id);
      const from = localIso('2027-03-03', '08:00', ZONE);
      const moved = await http
        .post('/v1/appointments')
        .set(scheduler())
        .send({ patientId: y, clinicId: clinic.id, kind: 'iv-infusion', startsAt: from, chairId: clinic.chairIds[2] })
        .expect(201);
      await http
        .post(`/v1/appointments/${moved.body.id}/reschedule`)
        .set(scheduler())
        .send({ startsAt: localIso('2027-03-03', '12:00', ZONE) })
        .expect(200);
      const freed = await ds.query<{ starts_at: Date; chair_id: string }[]>(
        `SELECT starts_at, chair_id FROM freed_chair_time WHERE source_appointment_id = $1`,
        [moved.body.id],
      );
      expect(freed.map((r) => [r.starts_at.toISOString(), r.chair_id])).toEqual([[from, clinic.chairIds[2]]]);
    });
  });

  it('releasing a held series frees each of its chair times', async () => {
    const patientId = await newPatient(ds, clinic.id);
    const course = await http
      .post('/v1/courses')
      .set(scheduler())
      .send({ patientId, clinicId: clinic.id, protocolKey: 'iv-induction' })
      .expect(201);
    const visits = inductionStarts('2027-04-19', '10:00', ZONE).map((startsAt, i) => ({ sequence: i + 1, startsAt }));
    const held = await http.post(`/v1/courses/${course.body.id}/bookings`).set(scheduler()).send({ visits, hold: true }).expect(201);
    await http.delete(`/v1/courses/${course.body.id}/bookings/${held.body.bookingId}`).set(scheduler()).expect(204);
    const freed = await ds.query<{ starts_at: Date }[]>(
      `SELECT starts_at FROM freed_chair_time WHERE source_appointment_id = ANY($1) ORDER BY starts_at`,
      [held.body.appointments.map((a: { id: string }) => a.id)],
    );
    expect(freed.map((f) => f.starts_at.toISOString())).toEqual(visits.map((v) => v.startsAt));
  });

  describe('bad input writes nothing', () => {
    let w: Waiter;
    beforeAll(async () => {
      w = await bookedCourse(inductionStarts('2027-03-22', '10:00', ZONE));
    });

    it.each([
      ['earliest in the past', { earliest: '2027-02-28T12:00:00Z', latest: '2027-03-10T12:00:00Z' }, 'earliest'],
      ['latest before earliest', { earliest: '2027-03-10T12:00:00Z', latest: '2027-03-09T12:00:00Z' }, 'latest'],
      ['a window longer than 92 days', { earliest: '2027-03-02T12:00:00Z', latest: '2027-06-03T12:00:00Z' }, 'latest'],
      ['not an instant', { earliest: 'soon', latest: '2027-03-09T12:00:00Z' }, 'earliest'],
      // New York springs forward on 2027-03-14: 02:30 does not exist there.
      ['a wall time in a DST gap', { earliest: '2027-03-14T02:30', latest: '2027-03-20T12:00:00Z' }, 'earliest'],
    ])('%s → 400 naming %s', async (_, window, path) => {
      const before = await entryCount();
      const res = await http
        .post(`/v1/clinics/${clinic.id}/waitlist`)
        .set(scheduler())
        .send({ courseId: w.courseId, ...window })
        .expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await entryCount()).toBe(before);
    });

    it('a window given as clinic-local wall times is read in the clinic’s zone', async () => {
      const v = await bookedCourse(inductionStarts('2027-04-05', '10:00', ZONE));
      await join(v, '2027-03-15T09:00', '2027-03-31T17:30');
      const [row] = await ds.query<{ earliest: Date; latest: Date }[]>(`SELECT earliest, latest FROM waitlist_entry WHERE id = $1`, [
        v.entryId,
      ]);
      expect([row.earliest.toISOString(), row.latest.toISOString()]).toEqual([
        localIso('2027-03-15', '09:00', ZONE),
        localIso('2027-03-31', '17:30', ZONE),
      ]);
    });

    it("another clinic's course, or another patient's course for a patient → 404 naming courseId", async () => {
      const before = await entryCount();
      const elsewhere = await bookedCourse(inductionStarts('2027-03-08', '10:00', ZONE), other);
      const body = (courseId: string) => ({ courseId, earliest: '2027-03-02T12:00:00Z', latest: '2027-03-20T12:00:00Z' });
      const res = await http.post(`/v1/clinics/${clinic.id}/waitlist`).set(scheduler()).send(body(elsewhere.courseId)).expect(404);
      expect(res.body.errors).toEqual([{ path: 'courseId', message: expect.any(String) }]);
      const stranger = await newPatient(ds, clinic.id);
      const mine = await http
        .post(`/v1/clinics/${clinic.id}/waitlist`)
        .set(asPatient(app, stranger, clinic.id))
        .send(body(w.courseId))
        .expect(404);
      expect(mine.body.errors[0].path).toBe('courseId');
      expect(await entryCount()).toBe(before);
    });

    it('a patient joins for their own course once; a second active entry is 409', async () => {
      const me = asPatient(app, w.patientId, clinic.id);
      const body = { courseId: w.courseId, earliest: '2027-03-02T12:00:00Z', latest: '2027-03-20T12:00:00Z' };
      await http.post(`/v1/clinics/${clinic.id}/waitlist`).set(me).send(body).expect(201);
      const before = await entryCount();
      const dup = await http.post(`/v1/clinics/${clinic.id}/waitlist`).set(me).send(body).expect(409);
      expect(dup.body.errors[0].path).toBe('courseId');
      expect(await entryCount()).toBe(before);
    });
  });
});
