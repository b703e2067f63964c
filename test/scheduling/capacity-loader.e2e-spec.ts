import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FixedClock } from '@chairtime/domain';
import { CapacityLoader, Clinic } from '@chairtime/scheduling';
import { seedClinic, seedPatient, SchedClinic, startSchedulingApi } from '../support/scheduling-factories';

const NOW = Date.parse('2027-03-01T12:00:00Z');
const DAY = '2027-03-03';
const H = 3_600_000;
/** 2027-03-03 00:00 UTC; the clinic is in New York (UTC−5 that day), so its opening hours start at 13:00 UTC. */
const D = Date.parse('2027-03-03T00:00:00Z');

/**
 * The capacity a booking reads under its clinic-time locks, as CapacityLoader.loadRanges answers it
 * from real rows: the statement returns each part as one JSON array per column, and the loader
 * turns them back into rows — one per id when a row overlaps two of the ranges, none for a part
 * with no rows, expired holds apart, instants to the millisecond.
 */
describe('CapacityLoader.loadRanges (real Postgres)', () => {
  const clock = new FixedClock(NOW);
  let app: INestApplication;
  let ds: DataSource;
  let loader: CapacityLoader;
  let clinic: SchedClinic;
  let entity: Clinic;
  let patientId: string;

  beforeAll(async () => {
    app = await startSchedulingApi(clock);
    ds = app.get(DataSource);
    loader = app.get(CapacityLoader);
    clinic = await seedClinic(ds, { fromDate: DAY, days: 1, chairs: 2, nurses: 1, clinicians: 0 });
    entity = await ds.getRepository(Clinic).findOneByOrFail({ id: clinic.id });
    patientId = await seedPatient(ds, clinic.id);
    // Chairs whose capability lists differ in length (one array per chair, not a 2-D array).
    await ds.query(`UPDATE chair SET capabilities = '{iv-infusion}' WHERE id = $1`, [clinic.chairIds[1]]);
  });
  afterAll(async () => app.close());

  /** A visit on chair 0 (or none) over [start, end), chair released 10 minutes after. */
  const visit = async (start: number, end: number, o: { status?: string; holdExpiresAt?: number; patient?: string } = {}) => {
    const [row] = (await ds.query(
      `INSERT INTO appointment (clinic_id, patient_id, kind, chair_id, starts_at, ends_at, chair_released_at, chair_time, visit_time,
         status, hold_expires_at, ride_status)
       VALUES ($1, $2, 'iv-infusion', $3, $4, $5, $6, tstzrange($4, $6, '[)'), tstzrange($4, $5, '[)'), $7, $8, 'unconfirmed')
       RETURNING id`,
      [
        clinic.id,
        o.patient ?? (await seedPatient(ds, clinic.id)),
        clinic.chairIds[0],
        new Date(start),
        new Date(end),
        new Date(end + 10 * 60_000),
        o.status ?? 'booked',
        o.holdExpiresAt === undefined ? null : new Date(o.holdExpiresAt),
      ],
    )) as { id: string }[];
    return row.id;
  };

  it('answers each part as rows: chairs with their own capabilities, a row overlapping two ranges once, milliseconds exact', async () => {
    // 14:00:00.250–15:20 UTC: overlaps both ranges below.
    const start = D + 14 * H + 250;
    const both = await visit(start, D + 15 * H + 20 * 60_000, { patient: patientId });
    const [block] = (await ds.query(
      `INSERT INTO chair_block (clinic_id, chair_id, starts_at, ends_at, reason) VALUES ($1, $2, $3, $4, 'maintenance') RETURNING id`,
      [clinic.id, clinic.chairIds[1], new Date(D + 14 * H), new Date(D + 16 * H)],
    )) as { id: string }[];
    expect(block.id).toBeDefined();

    const ranges = [
      { start: D + 14 * H, end: D + 14 * H + 30 * 60_000 },
      { start: D + 15 * H, end: D + 15 * H + 30 * 60_000 },
    ];
    const cap = await loader.loadRanges(ds.manager, entity, ranges);

    expect(cap.chairs).toEqual(
      [
        { id: clinic.chairIds[0], capabilities: ['iv-infusion', 'im-injection', 'spravato', 'lozenge'] },
        { id: clinic.chairIds[1], capabilities: ['iv-infusion'] },
      ].sort((a, b) => (a.id < b.id ? -1 : 1)),
    );
    expect(cap.bookings).toEqual([
      {
        id: both,
        chairId: clinic.chairIds[0],
        clinicianShiftId: null,
        start,
        end: D + 15 * H + 20 * 60_000,
        chairReleasedAt: D + 15 * H + 30 * 60_000,
      },
    ]);
    expect(cap.chairBlocks).toEqual([{ chairId: clinic.chairIds[1], start: D + 14 * H, end: D + 16 * H }]);
    // The one nurse shift (13:00–01:00 UTC) overlaps both ranges: once.
    expect(cap.shifts).toHaveLength(1);
    expect(cap.shifts[0]).toMatchObject({ role: 'nurse', start: D + 13 * H, end: D + 25 * H });
    expect(cap.weeklyHours).toHaveLength(7);
    expect(cap.expiredHoldIds).toEqual([]);
    expect(cap.firstHoldExpiry).toBe(Number.POSITIVE_INFINITY);

    // Left out on request (a visit being moved must not block itself).
    expect((await loader.loadRanges(ds.manager, entity, ranges, { excludeAppointmentIds: [both] })).bookings).toEqual([]);
  });

  it('sorts held visits by the clock: an expired hold is free and named for the sweep, a live one counts', async () => {
    const from = D + 18 * H;
    const expired = await visit(from, from + H, { status: 'held', holdExpiresAt: NOW - 1 });
    const live = await visit(from + 2 * H, from + 3 * H, { status: 'held', holdExpiresAt: NOW + 5 * 60_000 });
    await visit(from + 4 * H, from + 5 * H, { status: 'cancelled' });

    const cap = await loader.loadRanges(ds.manager, entity, [{ start: from, end: from + 6 * H }]);
    expect(cap.expiredHoldIds).toEqual([expired]);
    expect(cap.bookings.map((b) => b.id)).toEqual([live]);
    expect(cap.firstHoldExpiry).toBe(NOW + 5 * 60_000);
  });

  it('a range with no visits, blocks or shifts answers empty parts', async () => {
    const far = Date.parse('2027-06-01T14:00:00Z');
    const cap = await loader.loadRanges(ds.manager, entity, [{ start: far, end: far + H }]);
    expect(cap.bookings).toEqual([]);
    expect(cap.chairBlocks).toEqual([]);
    expect(cap.shifts).toEqual([]);
    expect(cap.expiredHoldIds).toEqual([]);
    expect(cap.chairs).toHaveLength(2);
  });
});
