import { QueryRunner } from 'typeorm';
import { FaultScenario, report } from '../support/fault-scenario';
import { LocalRedis } from '../support/local-services';
import { waitFor } from '../support/messaging-factories';

const VISITS = 12;
const MESSAGES_PER_VISIT = 3;
/** Visits whose rows the test locks, so their plan jobs are mid-transaction when the worker dies. */
const HELD = 6;

/**
 * Fault: the worker is killed with SIGKILL while it is planning bookings' messages. Each booking
 * committed one plan-messages outbox row; the test holds row locks on half of the visits, so the
 * worker plans the other half and its jobs for these are blocked inside their transactions when
 * it dies. Without Redis data loss BullMQ hands the stalled jobs to the next worker; with Redis
 * restarted empty as well, the reconciler rebuilds them from the outbox. Either way every visit
 * ends up planned exactly once and every message is sent exactly once.
 */
describe.each([
  { fault: 'worker SIGKILL mid-planning', loseRedis: false },
  { fault: 'worker SIGKILL mid-planning, then Redis restarted without its data', loseRedis: true },
])('fault: $fault', ({ fault, loseRedis }) => {
  const redis = new LocalRedis({ appendonly: false });
  let s: FaultScenario;
  let holder: QueryRunner | undefined;

  beforeAll(async () => {
    await redis.start();
    s = await FaultScenario.start({ redisUrl: redis.url, visits: VISITS, messagesPerVisit: MESSAGES_PER_VISIT });
  });
  afterAll(async () => {
    if (holder?.isTransactionActive) await holder.rollbackTransaction();
    await holder?.release();
    await s?.close();
    await redis.stop();
  });

  /** The worker's connections waiting on a row lock: its plan jobs for the held visits. */
  const blockedWorkerQueries = async (): Promise<number> => {
    const [{ n }] = await s.ds.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'chairtime-worker' AND wait_event_type = 'Lock'`,
    );
    return n;
  };

  const openPlanJobs = async (): Promise<number> => {
    const [{ n }] = await s.ds.query(
      `SELECT count(*)::int AS n FROM outbox_entry WHERE job_name = 'plan-messages' AND op = 'add' AND done_at IS NULL`,
    );
    return n;
  };

  it('plans every visit once and sends every message once', async () => {
    const ids = await s.bookVisitsForWorker(20, 1);
    expect(ids).toHaveLength(VISITS);
    expect(await openPlanJobs()).toBe(VISITS);
    expect(await s.planned()).toEqual({ visits: 0, mostPerVisit: 0 });

    holder = s.ds.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT id FROM appointment WHERE id = ANY($1::uuid[]) FOR UPDATE`, [ids.slice(0, HELD)]);

    const first = await s.startWorker();
    // The free half planned and closed, the jobs of the held half blocked in their transactions.
    await waitFor(
      async () => (await s.planned()).visits === VISITS - HELD && (await openPlanJobs()) === HELD && (await blockedWorkerQueries()) > 0,
      40_000,
      50,
    );
    const atKill = { planned: (await s.planned()).visits, blocked: await blockedWorkerQueries(), openJobs: await openPlanJobs() };
    await first.kill9();
    if (loseRedis) await redis.restart();
    const keysAfterRestart = loseRedis ? Number(await redis.command('DBSIZE')) : null;
    await holder.commitTransaction();

    await s.startWorker();
    const after = await s.allSent(90_000);
    await waitFor(async () => (await openPlanJobs()) === 0, 30_000, 100).catch(() => undefined);
    const planned = await s.planned();
    const openJobs = await openPlanJobs();
    report(loseRedis ? 'planning-crash-redis-loss' : 'planning-crash', {
      injected: fault,
      visits: VISITS,
      plannedAtKill: atKill.planned,
      blockedAtKill: atKill.blocked,
      openPlanJobsAtKill: atKill.openJobs,
      ...(keysAfterRestart !== null ? { keysAfterRestart } : {}),
      plannedVisits: planned.visits,
      mostMessagesPerVisit: planned.mostPerVisit,
      openPlanJobs: openJobs,
      expected: s.total,
      sent: after.sent,
      ledger: after.ledger,
      duplicated: after.duplicates,
      other: after.other,
    });
    // The kill landed mid-planning: half the visits planned, jobs for the rest open and blocked.
    expect(atKill.planned).toBe(VISITS - HELD);
    expect(atKill.blocked).toBeGreaterThan(0);
    expect(atKill.openJobs).toBe(HELD);
    expect(planned).toEqual({ visits: VISITS, mostPerVisit: MESSAGES_PER_VISIT });
    expect(openJobs).toBe(0);
    expect(after).toEqual({ scheduled: 0, sent: s.total, other: 0, ledger: s.total, duplicates: 0 });
  });
});
