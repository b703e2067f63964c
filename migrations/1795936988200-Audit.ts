import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log, append-only in the database itself: a trigger refuses UPDATE and DELETE unless
 * the retention job's transaction has set `chairtime.audit_purge = 'on'` (and then only DELETE).
 */

export class Audit1795936988200 implements MigrationInterface {
  name = 'Audit1795936988200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "audit_entry" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_id" uuid, "actor_role" text NOT NULL, "action" text NOT NULL, "resource_type" text NOT NULL, "resource_id" text, "clinic_id" uuid, "patient_id" uuid, "request_id" text, "outcome" text NOT NULL, "detail" text, CONSTRAINT "PK_58a130a4b9da189f46ba2a01801" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "audit_entry_actor_idx" ON "audit_entry"  ("actor_id", "at") `);
    await q.query(`CREATE INDEX "audit_entry_resource_idx" ON "audit_entry"  ("resource_type", "resource_id") `);
    await q.query(`CREATE INDEX "audit_entry_clinic_at_idx" ON "audit_entry"  ("clinic_id", "at") `);
    await q.query(`CREATE INDEX "audit_entry_at_idx" ON "audit_entry"  ("at") `);
    await q.query(`CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('chairtime.audit_purge', true) = 'on' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_entry is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(
      `CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_entry_append_only ON audit_entry`);
    await q.query(`DROP FUNCTION audit_entry_append_only()`);
    await q.query(`DROP INDEX "public"."audit_entry_at_idx"`);
    await q.query(`DROP INDEX "public"."audit_entry_clinic_at_idx"`);
    await q.query(`DROP INDEX "public"."audit_entry_resource_idx"`);
    await q.query(`DROP INDEX "public"."audit_entry_actor_idx"`);
    await q.query(`DROP TABLE "audit_entry"`);
  }
}
