import { FaultScenario, report } from '../support/fault-scenario';
import { waitFor } from '../support/messaging-factories';

const VISITS = 20;
const MESSAGES_PER_VISIT = 10;

/**
 * Fault: the compiled worker is killed with SIGKILL while it is sending. After a new worker
 * starts, every due message is sent exactly once — counted in the message table and in the send
 * ledger (one ledger row per message, the guard written before the provider call).
 */
describe('fault: worker kill -9 mid-dispatch', () => {
  let s: FaultScenario;

  beforeAll(async () => {
    s = await FaultScenario.start({ visits: VISITS, messagesPerVisit: MESSAGES_PER_VISIT });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('sends every due message exactly once across a SIGKILL and a restart', async () => {
    expect(await s.bookVisits(20, 1)).toBe(s.total);

    const first = await s.startWorker();
    await waitFor(async () => (await s.counts()).sent >= 30, 40_000, 20);
    await first.kill9();
    const atKill = await s.counts();
    expect(atKill.sent).toBeLessThan(s.total); // the kill landed mid-dispatch

    await s.startWorker();
    // Jobs the killed worker held are retried once BullMQ sees them stalled (lock 10 s, check every 5 s).
    const after = await s.allSent(90_000);
    report('worker-sigkill', {
      injected: 'worker SIGKILL mid-dispatch, new worker started',
      expected: s.total,
      sentAtKill: atKill.sent,
      sent: after.sent,
      ledger: after.ledger,
      duplicated: after.duplicates,
      other: after.other,
    });
    expect(after).toEqual({ scheduled: 0, sent: s.total, other: 0, ledger: s.total, duplicates: 0 });
  });
});
