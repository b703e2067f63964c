import { INestApplication } from '@nestjs/common';
import { DateTime } from 'luxon';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@chairtime/config';
import { FixedClock, findForbiddenWords } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { MessageLinks, SendMessageHandler, sendJobId } from '@chairtime/messaging';
import { planBookedMessages } from '../support/messaging-factories';
import { asPatient, asStaff } from '../support/auth';
import { inductionStarts, newClinic, newPatient, startCoursesApi, TestClinic } from '../support/courses-factories';

// Saturday 2027-02-20, 07:00 in New York. Inductions start on Monday 2027-02-22 and end on
// Friday 2027-03-05, before the spring-forward change of 2027-03-14.
const NOW = Date.parse('2027-02-20T12:00:00Z');
const ZONE = 'America/New_York';
const MIN = 60_000;

interface Row {
  id: string;
  appointment_id: string | null;
  kind: string;
  offset: string;
  status: string;
  skip_reason: string | null;
  planned_at: Date;
  send_at: Date;
  rendered_body: string | null;
}

describe('follow-ups: course-end messages, check-in answers, attendance and booster offers (e2e)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;
  let clinic: TestClinic;
  let http: ReturnType<typeof request>;
  /** The real send handler (log channel), run on demand: it renders the links the tests follow. */
  let sender: SendMessageHandler;
  let monday = '2027-02-22';
  let hour = 8;

  beforeAll(async () => {
    app = await startCoursesApi(clock);
    ds = app.get(DataSource);
    clinic = await newClinic(ds, { zone: ZONE, chairs: 6, nurses: 6, fromDate: '2027-02-20', days: 120 });
    http = request(app.getHttpServer());
    sender = new SendMessageHandler(ds, clock, app.get<AppConfig>(APP_CONFIG), app.get(MessageLinks));
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => clock.set(NOW));

  const scheduler = () => asStaff(app, Role.Scheduler, clinic.id);

  /** A patient (email, consented) with a booked IV induction; each call books other hours. */
  async function bookedInduction(): Promise<{
    patientId: string;
    courseId: string;
    visits: { id: string; startsAt: string; chairReleasedAt: string }[];
  }> {
    const patientId = await newPatient(ds, clinic.id);
    const course = await http
      .post('/v1/courses')
      .set(scheduler())
      .send({ patientId, clinicId: clinic.id, protocolKey: 'iv-induction' })
      .expect(201);
    const starts = inductionStarts(monday, `${String(hour).padStart(2, '0')}:00`, ZONE);
    hour += 2;
    if (hour > 16) {
      hour = 8;
      monday = DateTime.fromISO(monday).plus({ weeks: 3 }).toISODate() as string;
    }
    const booked = await http
      .post(`/v1/courses/${course.body.id}/bookings`)
      .set(scheduler())
      .send({ visits: starts.map((startsAt, i) => ({ sequence: i + 1, startsAt })) })
      .expect(201);
    // What the worker does next: plan the booked visits' messages.
    await planBookedMessages(app);
    return { patientId, courseId: course.body.id as string, visits: booked.body.appointments };
  }

  const courseEndRows = (courseId: string): Promise<Row[]> =>
    ds.query(`SELECT * FROM message WHERE course_id = $1 AND anchor = 'course-end' ORDER BY planned_at, kind`, [courseId]);

  const pendingJobs = async (messageIds: string[]): Promise<number> => {
    const [r] = await ds.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM outbox_entry WHERE op = 'add' AND done_at IS NULL AND job_id = ANY($1::text[])`,
      [messageIds.map(sendJobId)],
    );
    return Number(r.n);
  };

  /** Sends the patient's first message of `kind` through the real handler and returns its one-tap token. */
  async function sendAndTakeToken(patientId: string, kind: string): Promise<string> {
    const [msg] = await ds.query<Row[]>(
      `SELECT * FROM message WHERE patient_id = $1 AND kind = $2 AND status = 'scheduled' ORDER BY planned_at LIMIT 1`,
      [patientId, kind],
    );
    await sender.handle({ messageId: msg.id });
    const [sent] = await ds.query<Row[]>(`SELECT * FROM message WHERE id = $1`, [msg.id]);
    expect(sent.status).toBe('sent');
    const token = /\/v1\/actions\/([A-Za-z0-9_.-]+)/.exec(sent.rendered_body ?? '')?.[1];
    expect(token).toBeDefined();
    return token as string;
  }

  it('a booked induction gets its course-end messages once, from the last visit, at the right local times', async () => {
    const { courseId, visits } = await bookedInduction();
    const last = visits[visits.length - 1];
    const rows = await courseEndRows(courseId);
    expect(rows.map((r) => [r.kind, r.offset, r.status])).toEqual([
      ['phq9-check-in', 'P7D', 'scheduled'],
      ['phq9-check-in', 'P14D', 'scheduled'],
      ['phq9-check-in', 'P19D', 'scheduled'],
      ['booster-due', 'P28D', 'scheduled'],
      ['booster-due', 'P56D', 'scheduled'],
      ['booster-due', 'P84D', 'scheduled'],
    ]);
    expect(rows.every((r) => r.appointment_id === last.id)).toBe(true);
    // Calendar days on the patient's clock: the same wall time after the spring-forward change.
    const release = DateTime.fromISO(last.chairReleasedAt, { zone: ZONE });
    for (const r of rows) {
      const days = Number(/P(\d+)D/.exec(r.offset)?.[1]);
      const planned = DateTime.fromJSDate(r.planned_at, { zone: ZONE });
      expect(planned.toFormat('yyyy-MM-dd HH:mm')).toBe(release.plus({ days }).toFormat('yyyy-MM-dd HH:mm'));
      expect(r.send_at).toEqual(r.planned_at);
    }
    const p14 = rows[1];
    expect(p14.planned_at.getTime() - release.toMillis()).toBe(14 * 24 * 60 * MIN - 60 * MIN);
    expect(await pendingJobs(rows.map((r) => r.id))).toBe(6);
    // No visit got its own copy of a course-end kind.
    const [{ n }] = await ds.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM message WHERE course_id = $1 AND kind IN ('phq9-check-in', 'booster-due')`,
      [courseId],
    );
    expect(Number(n)).toBe(6);
  });

  it('moving another visit leaves them alone; moving the last visit plans them again; cancelling the course supersedes them', async () => {
    const { courseId, visits } = await bookedInduction();
    const before = await courseEndRows(courseId);
    const third = visits[2];
    await http
      .post(`/v1/appointments/${third.id}/reschedule`)
      .set(scheduler())
      .send({ startsAt: new Date(Date.parse(third.startsAt) + 60 * MIN).toISOString() })
      .expect(200);
    expect(await courseEndRows(courseId)).toEqual(before);

    const last = visits[visits.length - 1];
    const moved = await http
      .post(`/v1/appointments/${last.id}/reschedule`)
      .set(scheduler())
      .send({ startsAt: new Date(Date.parse(last.startsAt) + 60 * MIN).toISOString() })
      .expect(200);
    const after = await courseEndRows(courseId);
    const live = after.filter((r) => r.status === 'scheduled');
    expect(
      after
        .filter((r) => r.status === 'superseded')
        .map((r) => r.id)
        .sort(),
    ).toEqual(before.map((r) => r.id).sort());
    expect(live).toHaveLength(6);
    const release = Date.parse(moved.body.chairReleasedAt);
    expect(live[0].planned_at.getTime()).toBe(DateTime.fromMillis(release, { zone: ZONE }).plus({ days: 7 }).toMillis());
    expect(await pendingJobs(before.map((r) => r.id))).toBe(0);

    await http.post(`/v1/courses/${courseId}/cancel`).set(scheduler()).send({ reason: 'patient request' }).expect(200);
    const cancelled = await courseEndRows(courseId);
    expect(cancelled.filter((r) => r.status === 'scheduled')).toHaveLength(0);
    expect(await pendingJobs(cancelled.map((r) => r.id))).toBe(0);
  });

  it('a PHQ-9 check-in answered through its link becomes an assessment; a relapse offers a booster with a bookable time', async () => {
    const { patientId, courseId, visits } = await bookedInduction();
    const token = await sendAndTakeToken(patientId, 'phq9-check-in');

    const described = await http.get(`/v1/actions/${token}`).expect(200);
    expect(described.body).toEqual({
      purpose: 'check-in-answer',
      startsAt: visits[5].startsAt,
      expiresAt: new Date(NOW + 7 * 24 * 60 * MIN).toISOString(),
      used: false,
      checkIn: {
        kind: 'phq9-check-in',
        form: { instrument: 'PHQ-9', fields: [expect.objectContaining({ field: 'phq9', length: 9, min: 0, max: 3 })] },
      },
    });
    const [{ family_name: familyName }] = await ds.query<{ family_name: string }[]>(`SELECT family_name FROM patient WHERE id = $1`, [
      patientId,
    ]);
    expect(JSON.stringify(described.body)).not.toContain(familyName);

    // Bad answers: 400 naming the field, nothing written, the link still unused.
    const bad = await http.post(`/v1/actions/${token}`).send({ answer: { phq9: [0, 0, 0] } });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    const wrongForm = await http.post(`/v1/actions/${token}`).send({ answer: { feeling: 5, suicidalThoughts: false } });
    expect(wrongForm.status).toBe(400);
    expect((wrongForm.body.errors as { path: string }[]).map((e) => e.path)).toEqual(
      expect.arrayContaining(['answer.feeling', 'answer.phq9']),
    );
    expect((await http.get(`/v1/actions/${token}`).expect(200)).body.used).toBe(false);

    // History for a relapse: baseline 20, the last visit discharged, post-series 4; then 12 > half the baseline.
    const staff = asStaff(app, Role.Clinician, clinic.id);
    await http
      .post(`/v1/patients/${patientId}/assessments`)
      .set(staff)
      .send({ instrument: 'PHQ-9', answers: [3, 3, 3, 3, 2, 2, 2, 2, 0] })
      .expect(201);
    await ds.query(`UPDATE appointment SET status = 'discharged', discharged_at = $2 WHERE id = $1`, [visits[5].id, new Date(NOW + MIN)]);
    clock.set(NOW + 2 * MIN);
    await http
      .post(`/v1/patients/${patientId}/assessments`)
      .set(staff)
      .send({ instrument: 'PHQ-9', answers: [1, 1, 1, 1, 0, 0, 0, 0, 0] })
      .expect(201);
    clock.set(NOW + 3 * MIN);
    const answered = await http.post(`/v1/actions/${token}`).send({ answer: { phq9: [2, 2, 2, 2, 1, 1, 1, 1, 0] } });
    expect(answered.status).toBe(200);
    expect(answered.body).toEqual({ purpose: 'check-in-answer', done: true });

    const [assessment] = await ds.query<{ id: string; score: number; source: string; relapse_signal: boolean }[]>(
      `SELECT id, score, source, relapse_signal FROM assessment WHERE patient_id = $1 ORDER BY taken_at DESC LIMIT 1`,
      [patientId],
    );
    expect(assessment).toMatchObject({ score: 12, source: 'check-in', relapse_signal: true });
    const [answer] = await ds.query<{ assessment_id: string; kind: string }[]>(
      `SELECT assessment_id, kind FROM check_in_answer WHERE patient_id = $1`,
      [patientId],
    );
    expect(answer).toEqual({ assessment_id: assessment.id, kind: 'phq9-check-in' });

    // The offer names the first bookable booster time, the window's start (21 days after the last visit).
    const offers = await ds.query<Row[]>(`SELECT * FROM message WHERE patient_id = $1 AND kind = 'booster-offer'`, [patientId]);
    expect(offers).toHaveLength(1);
    expect(offers[0].status).toBe('scheduled');
    const windowStart = DateTime.fromISO(visits[5].startsAt, { zone: ZONE }).plus({ days: 21 }).toISODate() as string;
    const slots = await http
      .get(`/v1/clinics/${clinic.id}/availability`)
      .set(asPatient(app, patientId, clinic.id))
      .query({ kind: 'iv-infusion', from: windowStart, to: DateTime.fromISO(windowStart).plus({ days: 20 }).toISODate() })
      .expect(200);
    expect(offers[0].planned_at.toISOString()).toBe(slots.body.slots[0].startsAt);
    expect(await pendingJobs([offers[0].id])).toBe(1);
    const [job] = await ds.query<{ payload: unknown }[]>(`SELECT payload FROM outbox_entry WHERE job_id = $1`, [sendJobId(offers[0].id)]);
    expect(job.payload).toEqual({ messageId: offers[0].id });

    await sender.handle({ messageId: offers[0].id });
    const [sentOffer] = await ds.query<Row[]>(`SELECT * FROM message WHERE id = $1`, [offers[0].id]);
    const offered = DateTime.fromISO(slots.body.slots[0].startsAt, { zone: ZONE }).setLocale('en-US');
    expect(sentOffer.rendered_body).toContain(`${offered.toFormat('ccc, LLL d')} at ${offered.toFormat('h:mm a')}`);
    expect(sentOffer.rendered_body).toContain(`/v1/courses/${courseId}/next-steps`);
    expect(findForbiddenWords(sentOffer.rendered_body as string)).toEqual([]);

    // Single use: the same link again is 409; a tampered one 404, on both verbs.
    expect((await http.post(`/v1/actions/${token}`).send({ answer: { phq9: [0, 0, 0, 0, 0, 0, 0, 0, 0] } })).status).toBe(409);
    expect((await http.get(`/v1/actions/${token}`).expect(200)).body.used).toBe(true);
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await http.get(`/v1/actions/${tampered}`)).status).toBe(404);
    expect((await http.post(`/v1/actions/${tampered}`).send({ answer: { phq9: [0, 0, 0, 0, 0, 0, 0, 0, 0] } })).status).toBe(404);
    const [{ n }] = await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM assessment WHERE patient_id = $1`, [patientId]);
    expect(Number(n)).toBe(3);
  });

  it('PHQ-9 item 9 above 0 through a check-in link: urgent task and crisis resources at once', async () => {
    const { patientId } = await bookedInduction();
    const token = await sendAndTakeToken(patientId, 'phq9-check-in');
    const res = await http.post(`/v1/actions/${token}`).send({ answer: { phq9: [1, 1, 0, 0, 0, 0, 0, 0, 1] } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ purpose: 'check-in-answer', done: true, crisisResources: { call: '988', emergency: '911' } });
    await expectEscalated(patientId);
  });

  it('a side-effects check-in reporting suicidal thoughts escalates; its answer is stored; a calm one does not', async () => {
    const { patientId } = await bookedInduction();
    const token = await sendAndTakeToken(patientId, 'side-effects-check-in');
    const described = await http.get(`/v1/actions/${token}`).expect(200);
    expect(described.body.checkIn.form.fields.map((f: { field: string }) => f.field)).toEqual([
      'feeling',
      'sideEffects',
      'suicidalThoughts',
    ]);
    expect((await http.post(`/v1/actions/${token}`).send({ answer: { feeling: 3, sideEffects: ['nausea'] } })).status).toBe(400);
    const res = await http.post(`/v1/actions/${token}`).send({ answer: { feeling: 3, sideEffects: ['nausea'], suicidalThoughts: true } });
    expect(res.status).toBe(200);
    expect(res.body.crisisResources).toEqual({ call: '988', emergency: '911' });
    const [stored] = await ds.query(
      `SELECT kind, feeling, side_effects, suicidal_thoughts, assessment_id FROM check_in_answer WHERE patient_id = $1`,
      [patientId],
    );
    expect(stored).toEqual({
      kind: 'side-effects-check-in',
      feeling: 3,
      side_effects: ['nausea'],
      suicidal_thoughts: true,
      assessment_id: null,
    });
    await expectEscalated(patientId);

    const calm = await bookedInduction();
    const calmToken = await sendAndTakeToken(calm.patientId, 'next-day-check-in');
    const ok = await http.post(`/v1/actions/${calmToken}`).send({ answer: { feeling: 8, suicidalThoughts: false } });
    expect(ok.body).toEqual({ purpose: 'check-in-answer', done: true });
    const [{ n }] = await ds.query<{ n: string }[]>(`SELECT count(*) AS n FROM task WHERE patient_id = $1`, [calm.patientId]);
    expect(Number(n)).toBe(0);
  });

  it('the reminder link confirms attendance once; the board shows it; the version does not move; a reschedule clears it', async () => {
    const { patientId, visits } = await bookedInduction();
    const token = await sendAndTakeToken(patientId, 'reminder');
    expect((await http.get(`/v1/actions/${token}`).expect(200)).body).toMatchObject({ purpose: 'confirm-attendance', used: false });
    const [msg] = await ds.query<{ appointment_id: string }[]>(
      `SELECT appointment_id FROM message WHERE patient_id = $1 AND kind = 'reminder' AND status = 'sent'`,
      [patientId],
    );
    const [{ version }] = await ds.query<{ version: number }[]>(`SELECT version FROM appointment WHERE id = $1`, [msg.appointment_id]);
    expect((await http.post(`/v1/actions/${token}`).send({ answer: { driverName: 'Sam' } })).status).toBe(400);
    expect((await http.post(`/v1/actions/${token}`).send({})).status).toBe(200);
    expect((await http.post(`/v1/actions/${token}`).send({})).status).toBe(409);
    const [after] = await ds.query<{ version: number; flags: string[] }[]>(`SELECT version, flags FROM appointment WHERE id = $1`, [
      msg.appointment_id,
    ]);
    expect(after).toEqual({ version, flags: ['attendance-confirmed'] });
    const visit = visits.find((v) => v.id === msg.appointment_id) as { startsAt: string };
    const board = await http
      .get(`/v1/clinics/${clinic.id}/board`)
      .set(scheduler())
      .query({ date: DateTime.fromISO(visit.startsAt, { zone: ZONE }).toISODate() })
      .expect(200);
    const items = (board.body.chairs as { appointments: { id: string; flags: string[] }[] }[]).flatMap((c) => c.appointments);
    expect(items.find((a) => a.id === msg.appointment_id)?.flags).toContain('attendance-confirmed');
    // Moved: the confirmation was for the old time.
    const moved = await http
      .post(`/v1/appointments/${msg.appointment_id}/reschedule`)
      .set(scheduler())
      .send({ startsAt: new Date(Date.parse(visit.startsAt) + 60 * MIN).toISOString() })
      .expect(200);
    expect(moved.body.flags).not.toContain('attendance-confirmed');
    const [afterMove] = await ds.query<{ flags: string[] }[]>(`SELECT flags FROM appointment WHERE id = $1`, [msg.appointment_id]);
    expect(afterMove.flags).toEqual([]);
  });

  it('booking a booster withdraws the pending booster-due messages', async () => {
    const { patientId, courseId, visits } = await bookedInduction();
    const booster = await http
      .post('/v1/courses')
      .set(scheduler())
      .send({ patientId, clinicId: clinic.id, protocolKey: 'iv-booster' })
      .expect(201);
    const startsAt = DateTime.fromISO(visits[5].startsAt, { zone: ZONE }).plus({ days: 28 }).toUTC().toISO();
    await http
      .post(`/v1/courses/${booster.body.id}/bookings`)
      .set(scheduler())
      .send({ visits: [{ sequence: 1, startsAt }] })
      .expect(201);
    await planBookedMessages(app);
    const rows = await courseEndRows(courseId);
    expect(rows.filter((r) => r.kind === 'booster-due').map((r) => r.status)).toEqual(['superseded', 'superseded', 'superseded']);
    expect(rows.filter((r) => r.kind === 'phq9-check-in').map((r) => r.status)).toEqual(['scheduled', 'scheduled', 'scheduled']);
  });

  it('OpenAPI documents the answers a one-tap link takes', async () => {
    const docs = await http.get('/docs-json').expect(200);
    expect(docs.body.paths['/v1/actions/{token}'].post).toBeDefined();
    expect(Object.keys(docs.body.components.schemas.ActionAnswerFieldsDto.properties).sort()).toEqual(
      ['driverName', 'driverPhone', 'feeling', 'phq9', 'sideEffects', 'suicidalThoughts'].sort(),
    );
  });

  async function expectEscalated(patientId: string): Promise<void> {
    const tasks = await ds.query<{ kind: string; priority: string; assignee_role: string }[]>(
      `SELECT kind, priority, assignee_role FROM task WHERE patient_id = $1`,
      [patientId],
    );
    expect(tasks).toEqual([{ kind: 'safety-escalation', priority: 'urgent', assignee_role: 'clinician' }]);
    const crisis = await ds.query<Row[]>(`SELECT * FROM message WHERE patient_id = $1 AND kind = 'crisis-resources'`, [patientId]);
    expect(crisis).toHaveLength(1);
    expect(crisis[0].status).toBe('scheduled');
    expect(crisis[0].send_at.getTime()).toBe(clock.now());
    expect(await pendingJobs([crisis[0].id])).toBe(1);
  }
});
