import request from 'supertest';
import { FaultScenario, report, SendCounts } from '../support/fault-scenario';
import { waitFor } from '../support/messaging-factories';
import { seedPatient } from '../support/scheduling-factories';

const SKEW_MS = 2 * 60_000;
const VISITS = 5;
const MESSAGES_PER_VISIT = 4;
/** Allowance for a loaded test machine on top of the skew (delays are whole milliseconds, sends take a moment). */
const SLACK_MS = 30_000;

/** Real send time (the ledger row's database timestamp) minus the planned send time, per message. */
async function offsets(s: FaultScenario): Promise<number[]> {
  const rows: { ms: number }[] = await s.ds.query(
    `SELECT (extract(epoch FROM l.created_at - m.send_at) * 1000)::int AS ms FROM send_ledger l JOIN message m ON m.id = l.message_id`,
  );
  return rows.map((r) => r.ms);
}

/**
 * Fault: the worker's clock is skewed ±2 minutes (CLOCK_OFFSET_MS) against the API and the
 * database. Independent clinics run side by side, one with a worker 2 minutes ahead and one
 * 2 minutes behind (a third, also ahead, for the hold). Every message is still sent exactly once, never earlier than the skew allows
 * (ahead) and none lost (behind, they go out late). A hold made through the API is not expired
 * early by the fast worker: expiry is judged by the database's time.
 */
describe('fault: worker clock skewed by ±2 minutes', () => {
  let ahead: FaultScenario;
  let behind: FaultScenario;
  let holds: FaultScenario;

  beforeAll(async () => {
    ahead = await FaultScenario.start({ visits: VISITS, messagesPerVisit: MESSAGES_PER_VISIT });
    behind = await FaultScenario.start({ visits: VISITS, messagesPerVisit: MESSAGES_PER_VISIT });
    holds = await FaultScenario.start({ visits: 1, messagesPerVisit: 0, holdMinutes: 2 });
  });
  afterAll(async () => {
    await ahead?.close();
    await behind?.close();
    await holds?.close();
  });

  /** Books messages due `dueInS`… seconds from now, runs a skewed worker and waits for every message. */
  async function sendAll(s: FaultScenario, offsetMs: number, dueInS: number): Promise<{ counts: SendCounts; offsets: number[] }> {
    const start = await s.planMessages(dueInS, 1);
    const http = request(s.api.getHttpServer());
    for (let i = 0; i < VISITS; i++)
      await http
        .post('/v1/appointments')
        .set(s.scheduler)
        .send(await s.appointment(i, start))
        .expect(201);
    await s.startWorker({ CLOCK_OFFSET_MS: String(offsetMs) });
    const counts = await s.allSent(SKEW_MS + 90_000);
    return { counts, offsets: await offsets(s) };
  }

  /** A one-visit hold with a fast worker running; returns what the booking looked like while and after it was held. */
  async function holdOnFastWorker(s: FaultScenario): Promise<{ statusBeforeExpiry: string; expiresAt: Date; secondBooking: number }> {
    await s.startWorker({ CLOCK_OFFSET_MS: String(SKEW_MS) });
    const http = request(s.api.getHttpServer());
    const course = async () =>
      (
        await http
          .post('/v1/courses')
          .set(s.scheduler)
          .send({ patientId: await seedPatient(s.ds, s.clinic.id), clinicId: s.clinic.id, protocolKey: 'iv-booster' })
          .expect(201)
      ).body.id as string;
    const visits = [{ sequence: 1, startsAt: s.visitStart(30).toUTC().toISO(), chairId: s.clinic.chairIds[0] }];
    const held = await http
      .post(`/v1/courses/${await course()}/bookings`)
      .set(s.scheduler)
      .send({ visits, hold: true })
      .expect(201);
    const expiresAt = new Date(held.body.holdExpiresAt);
    // The expire-hold job is due 2 minutes before expiry by the fast worker's clock: it runs now.
    await waitFor(async () => {
      const [row] = await s.ds.query(`SELECT done_at FROM outbox_entry WHERE job_name = 'expire-hold'`);
      return row?.done_at != null;
    }, 40_000);
    const [{ status, early }] = await s.ds.query(`SELECT status, now() < hold_expires_at AS early FROM booking WHERE id = $1`, [
      held.body.bookingId,
    ]);
    expect(early).toBe(true); // still before expiry by the database's clock
    const other = await course();
    await http.post(`/v1/courses/${other}/bookings`).set(s.scheduler).send({ visits }).expect(409);
    // After expiry (by the API's and the database's time) the chair is free again.
    await waitFor(async () => Date.now() > expiresAt.getTime() + 1000, SKEW_MS + 30_000, 500);
    const second = await http.post(`/v1/courses/${other}/bookings`).set(s.scheduler).send({ visits });
    return { statusBeforeExpiry: status, expiresAt, secondBooking: second.status };
  }

  it('sends every message once, early by at most the skew, and keeps holds until they expire', async () => {
    const [fast, slow, hold] = await Promise.all([
      // Due in a minute: the fast worker believes they are due already and sends them early.
      sendAll(ahead, SKEW_MS, 60),
      sendAll(behind, -SKEW_MS, 15),
      holdOnFastWorker(holds),
    ]);
    const range = (xs: number[]) => ({ min: Math.min(...xs), max: Math.max(...xs) });
    const total = VISITS * MESSAGES_PER_VISIT;
    report('worker-clock-skew', {
      injected: 'CLOCK_OFFSET_MS=+120000 and -120000 (one clinic and worker each; a third, fast, for a hold)',
      expected: `${total}+${total}`,
      ahead: { sent: fast.counts.sent, ledger: fast.counts.ledger, duplicated: fast.counts.duplicates, offsetMs: range(fast.offsets) },
      behind: { sent: slow.counts.sent, ledger: slow.counts.ledger, duplicated: slow.counts.duplicates, offsetMs: range(slow.offsets) },
      holdBeforeExpiry: hold.statusBeforeExpiry,
      rebookAfterExpiry: hold.secondBooking,
    });
    for (const r of [fast, slow]) expect(r.counts).toEqual({ scheduled: 0, sent: total, other: 0, ledger: total, duplicates: 0 });
    expect(Math.min(...fast.offsets)).toBeLessThan(0); // the skew took effect: sent before planned
    expect(Math.min(...fast.offsets)).toBeGreaterThanOrEqual(-SKEW_MS);
    expect(Math.max(...slow.offsets)).toBeLessThanOrEqual(SKEW_MS + SLACK_MS);
    expect(hold.statusBeforeExpiry).toBe('held');
    expect(hold.secondBooking).toBe(201);
  });
});
