import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock, localToInstant } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { asStaff } from '../support/auth';
import { newAppointment, newClinic, newPatient, startClinicalApi } from '../support/clinical-factories';

const ZONE = 'America/New_York';
const DAY = 86_400_000;
const at = (date: string, time = '09:00') => new Date(localToInstant(date, time, ZONE));
const plusDays = (date: string, n: number) => new Date(Date.parse(`${date}T12:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/**
 * The outcome report against a hand-computed fixture of 20 patients, March 2027, made on 1 July
 * (so every March series' 90-day relapse watch has ended). The expected figures are worked out
 * in the comments beside each patient.
 */
describe('outcome report (e2e, 20-patient fixture)', () => {
  const clock = new FixedClock(Date.parse('2027-07-01T12:00:00Z'));
  let app: INestApplication;
  let ds: DataSource;
  let clinicId: string;

  beforeAll(async () => {
    app = await startClinicalApi(clock);
    ds = app.get(DataSource);
    clinicId = (await newClinic(ds, {}, ZONE)).id;
    await ds.query(
      `INSERT INTO opening_hours (clinic_id, weekday, opens, closes) SELECT $1, d, '08:00', '17:00' FROM generate_series(1, 5) d`,
      [clinicId],
    );
    await ds.query(`INSERT INTO chair (clinic_id, name, capabilities, active) VALUES ($1, 'Chair 1', '{iv-infusion}', true)`, [clinicId]);
    await seed();
  });
  afterAll(async () => app?.close());

  const patient = async () => (await newPatient(ds, clinicId)).id;
  const course = async (patientId: string, protocol = 'iv-induction'): Promise<string> =>
    (
      await ds.query(
        `INSERT INTO course (clinic_id, patient_id, protocol_key, protocol_version, status) VALUES ($1, $2, $3, 1, 'booked') RETURNING id`,
        [clinicId, patientId, protocol],
      )
    )[0].id;
  /** A visit on `date`; discharged ones leave 80 minutes after the start. */
  const visit = async (
    patientId: string,
    date: string,
    status: string,
    o: { courseId?: string; sequence?: number; cancelledHoursBefore?: number; cancelReason?: string } = {},
  ) => {
    const start = at(date);
    const a = await newAppointment(ds, { clinicId, patientId, startsAt: start });
    await ds.query(
      `UPDATE appointment SET status = $2, course_id = $3, sequence = $4,
         discharged_at = CASE WHEN $2 = 'discharged' THEN starts_at + interval '80 minutes' END,
         cancelled_at = CASE WHEN $2 = 'cancelled' THEN starts_at - make_interval(hours => $5::int) END,
         cancel_reason = $6
       WHERE id = $1`,
      [a.id, status, o.courseId ?? null, o.sequence ?? null, o.cancelledHoursBefore ?? 0, o.cancelReason ?? null],
    );
  };
  const phq9 = (patientId: string, date: string, score: number) =>
    ds.query(
      `INSERT INTO assessment (clinic_id, patient_id, instrument, answers, score, severity, item9_positive, relapse_signal, source, taken_at)
       VALUES ($1, $2, 'PHQ-9', '{}', $3, 'n/a', false, false, 'clinician', $4)`,
      [clinicId, patientId, score, at(date, '12:00')],
    );
  /** Six induction visits from `first` (every other weekday-ish day), all discharged, the last on `first` + 11. */
  const series = async (patientId: string, first: string, lastStatus = 'discharged') => {
    const courseId = await course(patientId);
    const offsets = [0, 2, 4, 7, 9, 11];
    for (const [i, d] of offsets.entries()) {
      await visit(patientId, plusDays(first, d), i === 5 ? lastStatus : 'discharged', { courseId, sequence: i + 1 });
    }
    return plusDays(first, 11);
  };

  async function seed(): Promise<void> {
    // P1–P10: a series completed in March (6 treated visits each, all in March → 60 treatments).
    // baseline before the series, post-series within 28 days of the last visit, later scores.
    const completed: [number | null, number | null, number | null, number | null][] = [
      // baseline, post, post offset (days after end), later score (45 days after end)
      [20, 8, 7, 16], // P1: 8 ≤ 10 response; no remission; 16 > 10 → relapse
      [20, 4, 7, 6], //  P2: response + remission; 6 < 4+5 and ≤ 10 → no relapse
      [18, 9, 7, 15], // P3: 9 ≤ 9 response; 15 ≥ 9+5 → relapse
      [22, 12, 7, null], // P4: 12 > 11 → no response
      [16, 3, 14, null], // P5: response + remission
      [24, 15, 7, null], // P6: no response
      [20, 6, 35, null], // P7: post-series score 35 days after → not assessed
      [null, 6, 7, null], // P8: no baseline → not assessed
      [14, 7, 19, 7], //  P9: 7 ≤ 7 response; 7 → no relapse
      [19, 2, 7, null], // P10: response + remission; an 18 at 100 days is outside the watch
    ];
    for (const [i, [baseline, post, postAfter, later]] of completed.entries()) {
      const p = await patient();
      if (baseline !== null) await phq9(p, '2027-02-20', baseline);
      const end = await series(p, plusDays('2027-03-01', i));
      if (post !== null) await phq9(p, plusDays(end, postAfter as number), post);
      if (later !== null) await phq9(p, plusDays(end, 45), later);
      if (i === 9) await phq9(p, plusDays(end, 100), 18);
    }
    // P11, P12: a series in progress: visits 1–3 treated in March, 4–6 booked in April (6 treatments).
    for (let i = 0; i < 2; i++) {
      const p = await patient();
      const courseId = await course(p);
      for (const [n, d] of ['2027-03-22', '2027-03-24', '2027-03-26', '2027-04-05', '2027-04-07', '2027-04-09'].entries()) {
        await visit(p, d, n < 3 ? 'discharged' : 'booked', { courseId, sequence: n + 1 });
      }
    }
    // P13: one booster treated (1 treatment; a booster is not a series).
    const p13 = await patient();
    await visit(p13, '2027-03-15', 'discharged', { courseId: await course(p13, 'iv-booster'), sequence: 1 });
    // P14: a no-show, then treated (1 treatment, 1 no-show).
    const p14 = await patient();
    await visit(p14, '2027-03-08', 'no-show');
    await visit(p14, '2027-03-10', 'discharged');
    // P15: a no-show only.
    await visit(await patient(), '2027-03-16', 'no-show');
    // P16–P18: cancellations 10 h, 48 h and 5 days before the start; P18 also let a hold expire (not a cancellation).
    await visit(await patient(), '2027-03-17', 'cancelled', { cancelledHoursBefore: 10 });
    await visit(await patient(), '2027-03-18', 'cancelled', { cancelledHoursBefore: 48 });
    const p18 = await patient();
    await visit(p18, '2027-03-19', 'cancelled', { cancelledHoursBefore: 120 });
    await visit(p18, '2027-03-23', 'cancelled', { cancelledHoursBefore: 0, cancelReason: 'hold-expired' });
    // P19: treated in February only: outside the range.
    await visit(await patient(), '2027-02-15', 'discharged');
    // P20: a series whose visits 1–5 fall in March (5 treatments) and the last on 2 April: not completed in March.
    const p20 = await patient();
    await phq9(p20, '2027-03-01', 21);
    await series(p20, '2027-03-22');
  }

  it('matches the hand-computed figures', async () => {
    const res = await request(app.getHttpServer())
      .get(`/v1/clinics/${clinicId}/reports/outcomes?from=2027-03-01&to=2027-03-31`)
      .set(asStaff(app, Role.Clinician, clinicId))
      .expect(200);
    expect(res.body).toMatchObject({
      clinicId,
      from: '2027-03-01',
      to: '2027-03-31',
      patientsTreated: 15, // P1–P14 (P14 treated once) and P20
      treatments: 73, // 60 + 6 + 1 + 1 + 5
      seriesCompleted: 10, // P1–P10
      outcomes: { assessed: 8, responders: 6, remissions: 3, responseRate: 0.75, remissionRate: 0.375 },
      relapse: { followed: 6, relapsedWithin90Days: 2, rate: 2 / 6 },
      noShows: { count: 2, rate: 2 / 75 },
      cancellations: { count: 3, byLeadTime: { under24h: 1, from24hTo72h: 1, over72h: 1 } },
    });
    // One chair open 08:00–17:00 on weekdays: Monday 09:00 is open on the five Mondays of March 2027.
    const monday9 = res.body.utilization.find((u: { weekday: number; hour: number }) => u.weekday === 1 && u.hour === 9);
    expect(monday9).toMatchObject({ openChairMinutes: 300 });
    expect(res.body.utilization).toHaveLength(5 * 9);
  });

  it('answers CSV with Accept: text/csv, one figure a row', async () => {
    const res = await request(app.getHttpServer())
      .get(`/v1/clinics/${clinicId}/reports/outcomes?from=2027-03-01&to=2027-03-31`)
      .set(asStaff(app, Role.Scheduler, clinicId))
      .set('Accept', 'text/csv')
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('section,measure,value');
    expect(lines).toContain('treatment,seriesCompleted,10');
    expect(lines).toContain('outcomes,responseRate,0.75');
    expect(lines).toContain('cancellations,under24h,1');
    expect(lines.filter((l) => l.startsWith('utilization,'))).toHaveLength(45);
  });

  it('refuses a bad range, another clinic and nurses', async () => {
    const http = () => request(app.getHttpServer());
    const clinician = asStaff(app, Role.Clinician, clinicId);
    await http().get(`/v1/clinics/${clinicId}/reports/outcomes?from=2027-03-31&to=2027-03-01`).set(clinician).expect(400);
    await http().get(`/v1/clinics/${clinicId}/reports/outcomes?from=2026-01-01&to=2027-03-01`).set(clinician).expect(400);
    await http().get(`/v1/clinics/${clinicId}/reports/outcomes?from=2027-02-30&to=2027-03-01`).set(clinician).expect(400);
    const other = (await newClinic(ds)).id;
    await http()
      .get(`/v1/clinics/${clinicId}/reports/outcomes?from=2027-03-01&to=2027-03-31`)
      .set(asStaff(app, Role.Clinician, other))
      .expect(404);
    await http()
      .get(`/v1/clinics/${clinicId}/reports/outcomes?from=2027-03-01&to=2027-03-31`)
      .set(asStaff(app, Role.Nurse, clinicId))
      .expect(403);
  });
});
