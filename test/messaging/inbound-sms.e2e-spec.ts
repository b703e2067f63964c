import { INestApplication } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { Role } from '@chairtime/identity';
import { twilioSignature } from '@chairtime/messaging';
import { asStaff } from '../support/auth';
import { seedClinic, seedPatient, startSchedulingApi } from '../support/scheduling-factories';

const ZONE = 'America/New_York';
const TOKEN = 'test-sms-auth-token';

describe('POST /v1/inbound/sms (signed webhook)', () => {
  const now = DateTime.fromISO('2027-03-01T12:00:00', { zone: ZONE }).toMillis();
  let app: INestApplication;
  let ds: DataSource;
  let base: string;

  beforeAll(async () => {
    app = await startSchedulingApi(new FixedClock(now), {
      SMS_BASE_URL: 'http://127.0.0.1:9',
      SMS_ACCOUNT_SID: 'AC1',
      SMS_AUTH_TOKEN: TOKEN,
      SMS_FROM: '+15550000',
    });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    ds = app.get(DataSource);
  });
  afterAll(async () => app.close());

  it('403 without a valid signature; a signed YES confirms the ride of the next visit', async () => {
    const clinic = await seedClinic(ds, { fromDate: '2027-03-01', days: 5, settings: { requireScreeningApproval: false } });
    const patient = await seedPatient(ds, clinic.id);
    await ds.query(`UPDATE patient SET phone = '+15557770001' WHERE id = $1`, [patient]);
    const booked = await request(base)
      .post('/v1/appointments')
      .set(asStaff(app, Role.Scheduler, clinic.id))
      .send({ patientId: patient, clinicId: clinic.id, kind: 'iv-infusion', startsAt: '2027-03-03T15:00:00.000Z' });
    expect(booked.status).toBe(201);
    const params = { From: '+15557770001', To: '+15550000', Body: 'yes' };
    const url = `${base}/v1/inbound/sms`;

    const forged = await request(base).post('/v1/inbound/sms').type('form').set('X-Twilio-Signature', 'bogus').send(params);
    expect(forged.status).toBe(403);
    expect(forged.headers['content-type']).toMatch(/problem\+json/);
    const unsigned = await request(base).post('/v1/inbound/sms').type('form').send(params);
    expect(unsigned.status).toBe(403);

    const ok = await request(base)
      .post('/v1/inbound/sms')
      .type('form')
      .set('X-Twilio-Signature', twilioSignature(TOKEN, url, params))
      .send(params);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ handled: true });
    const [row] = await ds.query<{ ride_status: string }[]>(`SELECT ride_status FROM appointment WHERE id = $1`, [booked.body.id]);
    expect(row.ride_status).toBe('confirmed');
  });
});
