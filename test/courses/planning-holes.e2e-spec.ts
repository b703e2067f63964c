import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock, instantToLocal, localToInstant } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { StaffShift } from '@chairtime/scheduling/entities';
import { asAdmin, asPatient, asStaff } from '../support/auth';
import { inductionStarts, localIso, newClinic, newPatient, startCoursesApi, TestClinic } from '../support/courses-factories';

const MINUTE = 60_000;
/** Monday 2027-03-01 08:00 in New York. */
const NOW = Date.parse('2027-03-01T13:00:00Z');
const NY = 'America/New_York';

type PlanBody = { plans: { visits: { sequence: number; startsAt: string; endsAt: string; chairId: string }[] }[] };
type SlotBody = { slots: { startsAt: string }[] };

/**
 * The smaller holes of issue 21 around plans and patient bookings: plans on a day without a local
 * midnight, plans that avoid the patient's other visits, and the clinic's minimum lead for
 * bookings a patient makes.
 */
describe('plans and patient bookings at the edges (e2e)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await startCoursesApi(clock);
    ds = app.get(DataSource);
    http = request(app.getHttpServer());
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => clock.set(NOW));

  const scheduler = (c: TestClinic) => asStaff(app, Role.Scheduler, c.id);
  async function course(c: TestClinic, patientId: string): Promise<string> {
    const res = await http
      .post('/v1/courses')
      .set(scheduler(c))
      .send({ patientId, clinicId: c.id, protocolKey: 'iv-induction' })
      .expect(201);
    return res.body.id as string;
  }

  describe('a day without a local midnight', () => {
    it.each([
      ['America/Santiago', '2027-09-05', Date.parse('2027-09-01T12:00:00Z')],
      ['America/Havana', '2027-03-14', Date.parse('2027-03-10T12:00:00Z')],
    ])('%s %s: plans from that date, and availability of it, answer 200', async (zone, date, now) => {
      clock.set(now);
      const c = await newClinic(ds, { zone, chairs: 2, nurses: 2, fromDate: instantToLocal(now, zone).date, days: 60 });
      const patientId = await newPatient(ds, c.id);
      const courseId = await course(c, patientId);
      const plans = await http.post(`/v1/courses/${courseId}/plans`).set(scheduler(c)).send({ earliestStart: date, limit: 2 });
      expect(plans.status).toBe(200);
      const body = plans.body as PlanBody;
      expect(body.plans.length).toBeGreaterThan(0);
      // The first visit is on that date or later, never before the date's first instant (01:00).
      const first = Date.parse(body.plans[0].visits[0].startsAt);
      expect(instantToLocal(first, zone).date >= date).toBe(true);

      for (const who of [scheduler(c), asPatient(app, patientId, c.id)]) {
        const slots = await http.get(`/v1/clinics/${c.id}/availability`).set(who).query({ kind: 'iv-infusion', from: date, to: date });
        expect(slots.status).toBe(200);
        const starts = (slots.body as SlotBody).slots.map((s) => instantToLocal(Date.parse(s.startsAt), zone));
        expect(starts.length).toBeGreaterThan(0);
        expect(starts.every((s) => s.date === date)).toBe(true);
        expect(starts[0].time).toBe('08:00');
      }
    });
  });

  it('plans leave out the times the patient is already in another visit, and the best plan books', async () => {
    const c = await newClinic(ds, { zone: NY, chairs: 4, nurses: 4, fromDate: '2027-03-01', days: 40 });
    // A clinician for an intake consult on Wednesday 09:00–10:00 (a visit outside any course).
    await ds.getRepository(StaffShift).insert({
      clinicId: c.id,
      role: 'clinician',
      startsAt: new Date(localToInstant('2027-03-03', '08:00', NY)),
      endsAt: new Date(localToInstant('2027-03-03', '18:00', NY)),
      name: null,
    });
    const patientId = await newPatient(ds, c.id);
    const intake = await http
      .post('/v1/appointments')
      .set(scheduler(c))
      .send({ patientId, clinicId: c.id, kind: 'intake', startsAt: localIso('2027-03-03', '09:00', NY) })
      .expect(201);
    const busy = { start: Date.parse(intake.body.startsAt), end: Date.parse(intake.body.endsAt) };
    const courseId = await course(c, patientId);

    // Only 09:00 is wanted: without the intake the best plan would start Wednesday 09:00.
    const body = { earliestStart: '2027-03-03', preferences: { timeWindows: [{ from: '09:00', to: '09:15' }] }, limit: 5 };
    const plans = (await http.post(`/v1/courses/${courseId}/plans`).set(scheduler(c)).send(body).expect(200)).body as PlanBody;
    expect(plans.plans.length).toBeGreaterThan(0);
    for (const plan of plans.plans) {
      for (const v of plan.visits) {
        const overlaps = Date.parse(v.startsAt) < busy.end && busy.start < Date.parse(v.endsAt);
        expect(overlaps).toBe(false);
      }
    }
    // A returned plan is bookable when returned (API.md).
    const best = plans.plans[0].visits.map((v) => ({ sequence: v.sequence, startsAt: v.startsAt, chairId: v.chairId }));
    await http
      .post(`/v1/courses/${courseId}/bookings`)
      .set(asPatient(app, patientId, c.id))
      .send({ visits: best })
      .expect(201);
  });

  describe('minimumLeadMinutes (default 120) binds patient bookings, not staff', () => {
    let c: TestClinic;
    beforeAll(async () => {
      c = await newClinic(ds, { zone: NY, chairs: 4, nurses: 4, fromDate: '2027-03-01', days: 40 });
    });
    const lead = NOW + 120 * MINUTE;

    it('is a clinic setting: defaults to 120, can be changed, bad values are 400', async () => {
      const created = await http.post('/v1/clinics').set(asAdmin(app)).send({ name: 'Lead clinic', timezone: NY }).expect(201);
      expect(created.body.settings.minimumLeadMinutes).toBe(120);
      const patched = await http
        .patch(`/v1/clinics/${created.body.id}`)
        .set(asAdmin(app))
        .send({ settings: { minimumLeadMinutes: 30 } })
        .expect(200);
      expect(patched.body.settings.minimumLeadMinutes).toBe(30);
      const bad = await http
        .patch(`/v1/clinics/${created.body.id}`)
        .set(asAdmin(app))
        .send({ settings: { minimumLeadMinutes: -5 } })
        .expect(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'settings.minimumLeadMinutes' })]);
      // Documented: the clinic response's settings schema names it.
      const doc = await http.get('/docs-json').expect(200);
      expect(doc.body.components.schemas.ClinicSettingsDto.properties.minimumLeadMinutes).toMatchObject({ example: 120 });
    });

    it('availability and plans a patient asks for start no sooner than the lead; staff see the earlier starts', async () => {
      const patientId = await newPatient(ds, c.id);
      const me = asPatient(app, patientId, c.id);
      const query = { kind: 'iv-infusion', from: '2027-03-01', to: '2027-03-01' };
      const staffSlots = (await http.get(`/v1/clinics/${c.id}/availability`).set(scheduler(c)).query(query).expect(200)).body as SlotBody;
      const mySlots = (await http.get(`/v1/clinics/${c.id}/availability`).set(me).query(query).expect(200)).body as SlotBody;
      expect(staffSlots.slots.some((s) => Date.parse(s.startsAt) < lead)).toBe(true);
      expect(mySlots.slots.length).toBeGreaterThan(0);
      expect(mySlots.slots.every((s) => Date.parse(s.startsAt) >= lead)).toBe(true);

      const courseId = await course(c, patientId);
      const mine = (await http.post(`/v1/courses/${courseId}/plans`).set(me).send({ earliestStart: '2027-03-01', limit: 3 }).expect(200))
        .body as PlanBody;
      expect(mine.plans.length).toBeGreaterThan(0);
      expect(mine.plans.every((p) => Date.parse(p.visits[0].startsAt) >= lead)).toBe(true);
      const staff = (
        await http.post(`/v1/courses/${courseId}/plans`).set(scheduler(c)).send({ earliestStart: '2027-03-01', limit: 1 }).expect(200)
      ).body as PlanBody;
      expect(Date.parse(staff.plans[0].visits[0].startsAt)).toBeLessThan(lead);
    });

    it('a patient’s series starting inside the lead is 422 naming the visit; the same series by staff books', async () => {
      const patientId = await newPatient(ds, c.id);
      const courseId = await course(c, patientId);
      const visits = inductionStarts('2027-03-01', '09:00', NY).map((startsAt, i) => ({ sequence: i + 1, startsAt }));
      const refused = await http
        .post(`/v1/courses/${courseId}/bookings`)
        .set(asPatient(app, patientId, c.id))
        .send({ visits })
        .expect(422);
      expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'visits[0].startsAt' })]);
      expect(await ds.query('SELECT 1 FROM appointment WHERE patient_id = $1', [patientId])).toHaveLength(0);
      await http.post(`/v1/courses/${courseId}/bookings`).set(scheduler(c)).send({ visits }).expect(201);
    });

    it('a patient’s single visit or move inside the lead is 422; staff may', async () => {
      const patientId = await newPatient(ds, c.id);
      const me = asPatient(app, patientId, c.id);
      const soon = localIso('2027-03-01', '09:30', NY);
      const single = { patientId, clinicId: c.id, kind: 'iv-infusion', startsAt: soon };
      const refused = await http.post('/v1/appointments').set(me).send(single).expect(422);
      expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'startsAt' })]);

      const later = await http
        .post('/v1/appointments')
        .set(me)
        .send({ ...single, startsAt: localIso('2027-03-05', '09:00', NY) })
        .expect(201);
      await http.post(`/v1/appointments/${later.body.id}/reschedule`).set(me).send({ startsAt: soon }).expect(422);
      const alternatives = await http.get(`/v1/appointments/${later.body.id}/alternatives`).set(me).query({ limit: 20 }).expect(200);
      expect((alternatives.body.alternatives as { startsAt: string }[]).every((a) => Date.parse(a.startsAt) >= lead)).toBe(true);
      const moved = await http.post(`/v1/appointments/${later.body.id}/reschedule`).set(scheduler(c)).send({ startsAt: soon }).expect(200);
      expect(moved.body.startsAt).toBe(new Date(soon).toISOString());
    });
  });
});
