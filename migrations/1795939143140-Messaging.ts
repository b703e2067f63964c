import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messaging: clinic message plans, planned patient messages (the durable record the send jobs
 * re-read) and the send ledger (one send per visit|patient, kind, planned time, visit version).
 */
export class Messaging1795939143140 implements MigrationInterface {
  name = 'Messaging1795939143140';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "message_plan" ("clinic_id" uuid NOT NULL, "entries" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9372bb9dade6c35ed526da001b1" PRIMARY KEY ("clinic_id"))`,
    );
    await q.query(
      `CREATE TABLE "message" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "appointment_id" uuid, "course_id" uuid, "kind" text NOT NULL, "channel" text NOT NULL, "anchor" text NOT NULL, "offset" text NOT NULL, "planned_at" TIMESTAMP WITH TIME ZONE NOT NULL, "send_at" TIMESTAMP WITH TIME ZONE NOT NULL, "status" text NOT NULL, "skip_reason" text, "appointment_version" integer, "sent_at" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT '0', "provider_id" text, "rendered_body" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "message_status" CHECK (status IN ('scheduled', 'sent', 'skipped', 'superseded', 'failed')), CONSTRAINT "PK_ba01f0a3e0123651915008bc578" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "message_pending_idx" ON "message"  ("send_at") WHERE status = 'scheduled'`);
    await q.query(`CREATE INDEX "message_appointment_idx" ON "message"  ("appointment_id") `);
    await q.query(
      `CREATE TABLE "send_ledger" ("key" text NOT NULL, "message_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b47de6b5d55be5cc1c87b2be1ac" PRIMARY KEY ("key"))`,
    );
    await q.query(
      `CREATE TABLE "action_token_use" ("jti" text NOT NULL, "purpose" text NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_461b3ff4ade12d111ac6cd828a8" PRIMARY KEY ("jti"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "action_token_use"`);
    await q.query(`DROP TABLE "send_ledger"`);
    await q.query(`DROP INDEX "public"."message_appointment_idx"`);
    await q.query(`DROP INDEX "public"."message_pending_idx"`);
    await q.query(`DROP TABLE "message"`);
    await q.query(`DROP TABLE "message_plan"`);
  }
}
