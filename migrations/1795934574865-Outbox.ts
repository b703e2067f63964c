import { MigrationInterface, QueryRunner } from 'typeorm';

export class Outbox1795934574865 implements MigrationInterface {
  name = 'Outbox1795934574865';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "outbox_entry" ("id" BIGSERIAL NOT NULL, "clinic_id" uuid, "op" text NOT NULL, "queue" text NOT NULL, "job_name" text NOT NULL, "job_id" text NOT NULL, "payload" jsonb NOT NULL DEFAULT '{}', "run_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "relayed_at" TIMESTAMP WITH TIME ZONE, "done_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_cc1823a87798db5e4bf91f7ec7c" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "outbox_entry_job_idx" ON "outbox_entry"  ("job_id") `);
    await q.query(`CREATE INDEX "outbox_entry_open_idx" ON "outbox_entry"  ("run_at") WHERE done_at IS NULL`);
    await q.query(`CREATE INDEX "outbox_entry_pending_idx" ON "outbox_entry"  ("id") WHERE relayed_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."outbox_entry_pending_idx"`);
    await q.query(`DROP INDEX "public"."outbox_entry_open_idx"`);
    await q.query(`DROP INDEX "public"."outbox_entry_job_idx"`);
    await q.query(`DROP TABLE "outbox_entry"`);
  }
}
