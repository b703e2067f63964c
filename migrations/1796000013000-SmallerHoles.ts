import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21, "Smaller holes".
 *
 * - `minimumLeadMinutes` (default 120) joins the clinic settings: written into every clinic's
 *   settings so a settings PATCH, which validates the whole merged object, finds it.
 * - `outbox_entry_open_job_idx`: the open jobs of a name by job id, compared byte-wise. Moving or
 *   cancelling a visit finds its ride-check jobs (every version and stage) by id prefix; as
 *   `job_id LIKE ANY(...)` that read the whole outbox, now it is one range scan per visit.
 *   Partial on open rows (done rows are most of the table and never wanted here).
 * - `outbox_entry_open_relayed_idx`: the reconciler reads the open relayed rows in relay order
 *   from a point in time (only what Redis can have lost since its last pass), not the whole set.
 * - `idempotency_key_created_idx`: keys are purged 24 hours after they were made.
 */
export class SmallerHoles1796000013000 implements MigrationInterface {
  name = 'SmallerHoles1796000013000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE "clinic" SET "settings" = "settings" || '{"minimumLeadMinutes": 120}'::jsonb WHERE NOT ("settings" ? 'minimumLeadMinutes')`,
    );
    await q.query(
      `CREATE INDEX "outbox_entry_open_job_idx" ON "outbox_entry" ("job_name", "job_id" COLLATE "C") WHERE op = 'add' AND done_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX "outbox_entry_open_relayed_idx" ON "outbox_entry" ("relayed_at", "id")
       WHERE op = 'add' AND done_at IS NULL AND relayed_at IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "idempotency_key_created_idx" ON "idempotency_key" ("created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."idempotency_key_created_idx"`);
    await q.query(`DROP INDEX "public"."outbox_entry_open_relayed_idx"`);
    await q.query(`DROP INDEX "public"."outbox_entry_open_job_idx"`);
    await q.query(`UPDATE "clinic" SET "settings" = "settings" - 'minimumLeadMinutes'`);
  }
}
