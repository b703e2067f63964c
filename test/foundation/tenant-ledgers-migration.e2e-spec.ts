import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceFor, runMigrations } from '../../apps/cli/src/migrations';
import { scratchDatabase } from '../support/scratch-database';

/**
 * The TenantLedgers migration on a database that already has sends and used links: the ledger's
 * rows take their message's clinic, old link uses keep a null one, and every use written after it
 * must carry its clinic.
 */
describe('TenantLedgers migration', () => {
  let db: Awaited<ReturnType<typeof scratchDatabase>>;
  let ds: DataSource;

  beforeAll(async () => {
    db = await scratchDatabase();
    ds = await dataSourceFor(db.url).initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  /** Undoes TenantLedgers (and every later migration first), so rows can be written as before it. */
  const before = async () => {
    for (;;) {
      const [last] = await ds.query<{ name: string }[]>(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`);
      expect(last).toBeDefined();
      await ds.undoLastMigration({ transaction: 'each' });
      if (last.name === 'TenantLedgers1796000008000') return;
    }
  };
  const message = async (clinicId: string): Promise<string> =>
    (
      await ds.query<{ id: string }[]>(
        `INSERT INTO message (clinic_id, patient_id, kind, channel, anchor, "offset", planned_at, send_at, status)
         VALUES ($1, gen_random_uuid(), 'reminder', 'sms', 'visit', '-P1D', now(), now(), 'sent') RETURNING id`,
        [clinicId],
      )
    )[0].id;

  it("fills each ledger row with its message's clinic, keeps old link uses, and requires a clinic on new ones", async () => {
    await before();
    const [clinicA, clinicB] = [randomUUID(), randomUUID()];
    const [a, b] = [await message(clinicA), await message(clinicB)];
    await ds.query(`INSERT INTO send_ledger (key, message_id) VALUES ('key-a', $1), ('key-b', $2)`, [a, b]);
    await ds.query(`INSERT INTO action_token_use (jti, purpose, used_at) VALUES ('old-jti', 'confirm-ride', now())`);

    await runMigrations(ds);
    expect(await ds.query(`SELECT key, clinic_id FROM send_ledger ORDER BY key`)).toEqual([
      { key: 'key-a', clinic_id: clinicA },
      { key: 'key-b', clinic_id: clinicB },
    ]);
    expect(await ds.query(`SELECT jti, clinic_id FROM action_token_use`)).toEqual([{ jti: 'old-jti', clinic_id: null }]);
    await expect(
      ds.query(`INSERT INTO action_token_use (jti, purpose, used_at) VALUES ('new-jti', 'confirm-ride', now())`),
    ).rejects.toThrow(/action_token_use_clinic/);
    await ds.query(`INSERT INTO action_token_use (jti, purpose, used_at, clinic_id) VALUES ('new-jti', 'confirm-ride', now(), $1)`, [
      clinicA,
    ]);
    await expect(ds.query(`INSERT INTO send_ledger (key, message_id) VALUES ('key-c', $1)`, [a])).rejects.toThrow(/clinic_id/);
  });

  it('stops, changing nothing, when a ledger row names a message that no longer exists', async () => {
    await before();
    await ds.query(`INSERT INTO send_ledger (key, message_id) VALUES ('orphan', gen_random_uuid())`);
    await expect(runMigrations(ds)).rejects.toThrow(/message no longer exists/);
    const columns = await ds.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'send_ledger' AND column_name = 'clinic_id'`,
    );
    expect(columns).toEqual([]);
    await ds.query(`DELETE FROM send_ledger WHERE key = 'orphan'`);
    await runMigrations(ds);
  });
});
