import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Treatment courses: protocols as versioned data (seeded here with DEFAULT_PROTOCOLS v1, written
 * out as reviewed JSON so a later edit of the TypeScript constant never rewrites history), courses,
 * series bookings (holds) and idempotency keys; links appointment.course_id / booking_id to them.
 */
const SEED_PROTOCOLS = `INSERT INTO "protocol" ("key", "version", "name", "visit_kind", "rules") VALUES
  ('iv-induction', 1, 'IV ketamine induction', 'iv-infusion', '{"visitCount": 6, "minGapDays": 2, "maxPerIsoWeek": 3, "maxSpanDays": 20}'),
  ('iv-booster', 1, 'IV ketamine booster', 'iv-infusion', '{"visitCount": 1, "repeat": {"intervalDays": 28, "windowMinDays": 21, "windowMaxDays": 42}}'),
  ('im-induction', 1, 'IM ketamine induction', 'im-injection', '{"visitCount": 6, "minGapDays": 2, "maxPerIsoWeek": 3, "maxSpanDays": 20}'),
  ('spravato-induction', 1, 'Spravato (esketamine) induction', 'spravato', '{"visitCount": 12, "minGapDays": 2, "phases": [{"fromWeek": 1, "toWeek": 4, "visitsPerWeek": 2}, {"fromWeek": 5, "toWeek": 8, "visitsPerWeek": 1}]}'),
  ('spravato-maintenance', 1, 'Spravato (esketamine) maintenance', 'spravato', '{"visitCount": 4, "repeat": {"intervalDays": 7, "windowMinDays": 7, "windowMaxDays": 14}}'),
  ('lozenge-home', 1, 'At-home ketamine lozenge', 'lozenge', '{"visitCount": 1, "optional": true}')`;

export class Courses1795937478135 implements MigrationInterface {
  name = 'Courses1795937478135';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "protocol" ("key" text NOT NULL, "version" integer NOT NULL, "name" text NOT NULL, "visit_kind" text NOT NULL, "rules" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8d6dd4351e95100b34c8ed58bb6" PRIMARY KEY ("key", "version"))`,
    );
    await q.query(
      `CREATE TABLE "course" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "protocol_key" text NOT NULL, "protocol_version" integer NOT NULL, "status" text NOT NULL, "anchor_at" TIMESTAMP WITH TIME ZONE, "created_by" uuid, "cancelled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "course_status" CHECK (status IN ('draft', 'booked', 'completed', 'cancelled')), CONSTRAINT "PK_bf95180dd756fd204fb01ce4916" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "course_clinic_patient_idx" ON "course"  ("clinic_id", "patient_id") `);
    await q.query(
      `CREATE TABLE "idempotency_key" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "key" text NOT NULL, "actor" text NOT NULL, "request_hash" text NOT NULL, "response_status" integer, "response_body" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_213f125e14469be304f9ff1d452" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "idempotency_key_actor_key_uq" ON "idempotency_key"  ("actor", "key") `);
    await q.query(
      `CREATE TABLE "booking" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "course_id" uuid NOT NULL, "status" text NOT NULL, "hold_expires_at" TIMESTAMP WITH TIME ZONE, "idempotency_key_id" uuid, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "booking_hold" CHECK (status <> 'held' OR hold_expires_at IS NOT NULL), CONSTRAINT "booking_status" CHECK (status IN ('held', 'booked', 'released', 'expired')), CONSTRAINT "PK_49171efc69702ed84c812f33540" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "booking_hold_expiry_idx" ON "booking"  ("hold_expires_at") WHERE status = 'held'`);
    await q.query(`CREATE INDEX "booking_course_idx" ON "booking"  ("course_id") `);
    await q.query(
      `ALTER TABLE "appointment" ADD CONSTRAINT "FK_c5c239851025a6c15b30cb96787" FOREIGN KEY ("course_id") REFERENCES "course"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "appointment" ADD CONSTRAINT "FK_bfce3d05511a7ac31a464ee4363" FOREIGN KEY ("booking_id") REFERENCES "booking"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "course" ADD CONSTRAINT "FK_8aab2ade1747e25e6c702272896" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "course" ADD CONSTRAINT "FK_7a138e51084eee50937987ba637" FOREIGN KEY ("patient_id") REFERENCES "patient"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "course" ADD CONSTRAINT "FK_5d1c064cab7b707e149ff41fb87" FOREIGN KEY ("protocol_key", "protocol_version") REFERENCES "protocol"("key","version") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "booking" ADD CONSTRAINT "FK_eab6256e7f57b8243a551f4273c" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "booking" ADD CONSTRAINT "FK_db9f1869883230b0f7623de0b29" FOREIGN KEY ("course_id") REFERENCES "course"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "booking" ADD CONSTRAINT "FK_9429ae5dff3f12061252dc6015e" FOREIGN KEY ("idempotency_key_id") REFERENCES "idempotency_key"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await q.query(SEED_PROTOCOLS);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "booking" DROP CONSTRAINT "FK_9429ae5dff3f12061252dc6015e"`);
    await q.query(`ALTER TABLE "booking" DROP CONSTRAINT "FK_db9f1869883230b0f7623de0b29"`);
    await q.query(`ALTER TABLE "booking" DROP CONSTRAINT "FK_eab6256e7f57b8243a551f4273c"`);
    await q.query(`ALTER TABLE "course" DROP CONSTRAINT "FK_5d1c064cab7b707e149ff41fb87"`);
    await q.query(`ALTER TABLE "course" DROP CONSTRAINT "FK_7a138e51084eee50937987ba637"`);
    await q.query(`ALTER TABLE "course" DROP CONSTRAINT "FK_8aab2ade1747e25e6c702272896"`);
    await q.query(`ALTER TABLE "appointment" DROP CONSTRAINT "FK_bfce3d05511a7ac31a464ee4363"`);
    await q.query(`ALTER TABLE "appointment" DROP CONSTRAINT "FK_c5c239851025a6c15b30cb96787"`);
    await q.query(`DROP INDEX "public"."booking_course_idx"`);
    await q.query(`DROP INDEX "public"."booking_hold_expiry_idx"`);
    await q.query(`DROP TABLE "booking"`);
    await q.query(`DROP INDEX "public"."idempotency_key_actor_key_uq"`);
    await q.query(`DROP TABLE "idempotency_key"`);
    await q.query(`DROP INDEX "public"."course_clinic_patient_idx"`);
    await q.query(`DROP TABLE "course"`);
    await q.query(`DROP TABLE "protocol"`);
  }
}
