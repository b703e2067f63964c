import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { FaultScenario, report } from '../support/fault-scenario';
import { planBookedMessages, waitFor } from '../support/messaging-factories';

const VISITS = 8;
/** How long after it falls due each message may still go out (its not-after). */
const WINDOW_S = 25;

/**
 * Fault: the SMS provider answers 503 to every send until the messages' not-after, and 201 after
 * it. Each message must end `expired` (the retry that would run after not-after is not made),
 * nothing reaches the provider at or after a message's not-after, and every send job's outbox row
 * is closed (so the reconciler never revives it). The scenario's visits start minutes ahead, so
 * the messages' not-after (their visit's start) is brought to WINDOW_S seconds after they fall
 * due: a shorter window, the same rule.
 */
describe('fault: SMS provider failing until not-after', () => {
  let s: FaultScenario;
  let server: Server;
  const requests: { to: string; at: number }[] = [];
  /** The provider accepts sends from this instant (the latest not-after). */
  let recoversAt = Number.POSITIVE_INFINITY;

  beforeAll(async () => {
    s = await FaultScenario.start({ visits: VISITS, messagesPerVisit: 1 });
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const at = Date.now();
        requests.push({ to: new URLSearchParams(body).get('To') ?? '', at });
        res.writeHead(at >= recoversAt ? 201 : 503, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ sid: `SM${requests.length}` }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await s?.close();
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  it('ends every message expired, sends nothing late and closes every outbox row', async () => {
    await s.bookVisitsForWorker(15, 1);
    // Every patient on SMS with a number of their own, before their messages are planned.
    await s.ds.query(
      `UPDATE patient SET phone = '+1555' || lpad(p.n::text, 7, '0'), contact_preference = 'sms',
              consent = '{"sms": true, "email": false}'
         FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM patient WHERE clinic_id = $1) p WHERE patient.id = p.id`,
      [s.clinic.id],
    );
    await planBookedMessages(s.api);
    await s.ds.query(`UPDATE message SET not_after = send_at + make_interval(secs => $1) WHERE clinic_id = $2`, [WINDOW_S, s.clinic.id]);
    const messages = await s.ds.query<{ id: string; phone: string; not_after: Date }[]>(
      `SELECT m.id, p.phone, m.not_after FROM message m JOIN patient p ON p.id = m.patient_id WHERE m.clinic_id = $1 AND m.status = 'scheduled'`,
      [s.clinic.id],
    );
    expect(messages).toHaveLength(VISITS);
    recoversAt = Math.max(...messages.map((m) => m.not_after.getTime()));

    await s.startWorker({
      SMS_BASE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      SMS_ACCOUNT_SID: 'ACfault',
      SMS_AUTH_TOKEN: 'tok',
      SMS_FROM: '+15550000000',
    });
    const open = async () =>
      (
        await s.ds.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM message WHERE clinic_id = $1 AND status IN ('scheduled', 'sending')`,
          [s.clinic.id],
        )
      )[0].n;
    await waitFor(async () => (await open()) === 0, 120_000, 500);
    // Past every not-after (the provider now accepts): a late retry would show here as a send.
    await waitFor(async () => Date.now() > recoversAt + 2_000, 60_000, 200);

    const ended = await s.ds.query<{ status: string; error: string | null; n: number }[]>(
      `SELECT status, error, count(*)::int AS n FROM message WHERE clinic_id = $1 GROUP BY status, error`,
      [s.clinic.id],
    );
    const notAfterOf = new Map(messages.map((m) => [m.phone, m.not_after.getTime()]));
    const late = requests.filter((r) => r.at >= (notAfterOf.get(r.to) ?? 0));
    const [outbox] = await s.ds.query<{ open: number }[]>(
      `SELECT count(*) FILTER (WHERE done_at IS NULL)::int AS open FROM outbox_entry WHERE job_name = 'send-message' AND op = 'add'`,
    );
    report('send-until-not-after', {
      injected: `SMS provider 503 until each message's not-after (${WINDOW_S} s after due), 201 after`,
      expected: VISITS,
      attempts: requests.length,
      late: late.length,
      ended,
      openOutbox: outbox.open,
    });
    expect(ended).toEqual([{ status: 'expired', error: 'http-503', n: VISITS }]);
    expect(late).toEqual([]);
    expect(requests.length).toBeGreaterThanOrEqual(VISITS);
    expect(outbox.open).toBe(0);
  });
});
