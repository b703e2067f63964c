import { Queue } from 'bullmq';
import request from 'supertest';
import { JobName, QueueName, jobOptions, redisOptionsFromUrl } from '@chairtime/jobs';
import { FaultScenario, report } from '../support/fault-scenario';
import { planBookedMessages, waitFor } from '../support/messaging-factories';

const VISITS = 5;
const MESSAGES_PER_VISIT = 4;
const PARALLEL = 10;
const SEQUENTIAL = 5;

/**
 * Fault: duplicates at both ends. Each visit is submitted 15 times with one Idempotency-Key — 10
 * at once, then 5 one after another — and yields one appointment, every answer replaying it.
 * Then, for every planned message, a second send job with another job id (what a buggy producer
 * or a replayed relay could add) is put into BullMQ beside the real one, due at the same time:
 * both run, the send ledger lets exactly one of them send.
 */
describe('fault: duplicate submissions and duplicate jobs', () => {
  let s: FaultScenario;
  let queue: Queue;

  beforeAll(async () => {
    s = await FaultScenario.start({ visits: VISITS, messagesPerVisit: MESSAGES_PER_VISIT });
    queue = new Queue(QueueName.Messages, { prefix: s.prefix, connection: redisOptionsFromUrl(s.redisUrl) });
  });
  afterAll(async () => {
    await queue?.close();
    await s?.close();
  });

  it('one appointment per key, one send per message', async () => {
    const start = await s.planMessages(20, 1);
    const http = request(s.api.getHttpServer());
    const statuses: number[] = [];
    const refused: unknown[] = [];
    const ids = new Set<string>();
    for (let i = 0; i < VISITS; i++) {
      const body = await s.appointment(i, start);
      const post = () => http.post('/v1/appointments').set(s.scheduler).set('Idempotency-Key', `dup-${i}`).send(body);
      const answers = await Promise.all(Array.from({ length: PARALLEL }, post));
      for (let k = 0; k < SEQUENTIAL; k++) answers.push(await post());
      for (const a of answers) {
        statuses.push(a.status);
        if (a.status === 201) ids.add(a.body.id);
        else refused.push(a.body);
      }
    }
    const [{ n: appointments }] = await s.ds.query(`SELECT count(*)::int AS n FROM appointment WHERE clinic_id = $1`, [s.clinic.id]);
    expect(refused).toEqual([]);
    expect(ids.size).toBe(VISITS);
    expect(appointments).toBe(VISITS);
    // One plan-messages job per appointment, whatever the duplicates; planned as a worker would.
    expect(await planBookedMessages(s.api)).toBe(VISITS);
    expect((await s.counts()).scheduled).toBe(s.total);

    await s.startWorker();
    await waitFor(async () => (await s.unrelayed()) === 0, 20_000);
    const messages: { id: string; send_at: Date }[] = await s.ds.query(`SELECT id, send_at FROM message`);
    await queue.addBulk(
      messages.map((m) => ({
        name: JobName.SendMessage,
        data: { messageId: m.id },
        opts: jobOptions(JobName.SendMessage, `duplicate-${m.id}`, m.send_at.getTime(), Date.now()),
      })),
    );

    const after = await s.allSent(60_000);
    await waitFor(async () => (await queue.getCompletedCount()) >= 2 * s.total, 20_000);
    const completedJobs = await queue.getCompletedCount();
    report('duplicate-submissions', {
      injected: `${VISITS} visits × (${PARALLEL} parallel + ${SEQUENTIAL} sequential) same-key POSTs; ${messages.length} duplicate send jobs`,
      requests: statuses.length,
      appointments,
      expected: s.total,
      jobsRun: completedJobs,
      sent: after.sent,
      ledger: after.ledger,
      duplicated: after.duplicates,
      other: after.other,
    });
    expect(completedJobs).toBe(2 * s.total);
    expect(after).toEqual({ scheduled: 0, sent: s.total, other: 0, ledger: s.total, duplicates: 0 });
  });
});
