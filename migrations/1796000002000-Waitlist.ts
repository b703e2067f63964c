import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The waitlist: entries (one active per course; "who fits this freed start" reads the partial
 * index on waiting entries of a clinic by window start, in waiting order), the chair time a change
 * freed (its row is the lock claims take) and the offers made from it (at most one `claimed`
 * per freed time, enforced by a partial unique index; one offer per entry and freed time).
 */
export class Waitlist1796000002000 implements MigrationInterface {
  name = 'Waitlist1796000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "waitlist_entry" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "course_id" uuid NOT NULL, "earliest" TIMESTAMP WITH TIME ZONE NOT NULL, "latest" TIMESTAMP WITH TIME ZONE NOT NULL, "status" text NOT NULL, "created_by" uuid, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "waitlist_entry_window" CHECK (earliest < latest), CONSTRAINT "waitlist_entry_status" CHECK (status IN ('waiting', 'offered', 'fulfilled', 'withdrawn')), CONSTRAINT "PK_77e5b27d89e0b1795ea07ef32f8" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "waitlist_entry_patient_idx" ON "waitlist_entry"  ("patient_id") `);
    await q.query(`CREATE INDEX "waitlist_entry_clinic_order_idx" ON "waitlist_entry"  ("clinic_id", "created_at", "id") `);
    await q.query(
      `CREATE INDEX "waitlist_entry_fit_idx" ON "waitlist_entry"  ("clinic_id", "earliest", "created_at") WHERE status = 'waiting'`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "waitlist_entry_active_course_uq" ON "waitlist_entry"  ("course_id") WHERE status IN ('waiting', 'offered')`,
    );
    await q.query(
      `CREATE TABLE "freed_chair_time" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "chair_id" uuid NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "source_appointment_id" uuid NOT NULL, "status" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "freed_chair_time_status" CHECK (status IN ('open', 'claimed', 'lapsed')), CONSTRAINT "PK_244a7890ce45b26a31dee1dc9c1" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "freed_chair_time_clinic_start_idx" ON "freed_chair_time"  ("clinic_id", "starts_at") `);
    await q.query(
      `CREATE TABLE "waitlist_offer" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "entry_id" uuid NOT NULL, "freed_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "appointment_id" uuid NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "chair_id" uuid NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "status" text NOT NULL, "message_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "waitlist_offer_status" CHECK (status IN ('offered', 'claimed', 'gone', 'expired')), CONSTRAINT "PK_0f22d82a695f7d392ee18e4eef8" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "waitlist_offer_message_idx" ON "waitlist_offer"  ("message_id") `);
    await q.query(`CREATE INDEX "waitlist_offer_entry_idx" ON "waitlist_offer"  ("entry_id") `);
    await q.query(`CREATE UNIQUE INDEX "waitlist_offer_one_claim_uq" ON "waitlist_offer"  ("freed_id") WHERE status = 'claimed'`);
    await q.query(`CREATE UNIQUE INDEX "waitlist_offer_freed_entry_uq" ON "waitlist_offer"  ("freed_id", "entry_id") `);
    await q.query(
      `ALTER TABLE "waitlist_entry" ADD CONSTRAINT "FK_28b5012f6ba5d89ce80e2225b37" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "waitlist_entry" ADD CONSTRAINT "FK_235f3d543324706110c0c0e68bf" FOREIGN KEY ("patient_id") REFERENCES "patient"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "waitlist_entry" ADD CONSTRAINT "FK_b07495df68076c8fa76d1eb80b5" FOREIGN KEY ("course_id") REFERENCES "course"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "freed_chair_time" ADD CONSTRAINT "FK_e3a0ed5bdce9ecf745513bb8041" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "freed_chair_time" ADD CONSTRAINT "FK_472b57df6fe152f711ca21076ae" FOREIGN KEY ("chair_id") REFERENCES "chair"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "waitlist_offer" ADD CONSTRAINT "FK_446148c4e1ebb03b2ad1592877c" FOREIGN KEY ("entry_id") REFERENCES "waitlist_entry"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "waitlist_offer" ADD CONSTRAINT "FK_234051aae5983f864e2413827fb" FOREIGN KEY ("freed_id") REFERENCES "freed_chair_time"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "waitlist_offer" DROP CONSTRAINT "FK_234051aae5983f864e2413827fb"`);
    await q.query(`ALTER TABLE "waitlist_offer" DROP CONSTRAINT "FK_446148c4e1ebb03b2ad1592877c"`);
    await q.query(`ALTER TABLE "freed_chair_time" DROP CONSTRAINT "FK_472b57df6fe152f711ca21076ae"`);
    await q.query(`ALTER TABLE "freed_chair_time" DROP CONSTRAINT "FK_e3a0ed5bdce9ecf745513bb8041"`);
    await q.query(`ALTER TABLE "waitlist_entry" DROP CONSTRAINT "FK_b07495df68076c8fa76d1eb80b5"`);
    await q.query(`ALTER TABLE "waitlist_entry" DROP CONSTRAINT "FK_235f3d543324706110c0c0e68bf"`);
    await q.query(`ALTER TABLE "waitlist_entry" DROP CONSTRAINT "FK_28b5012f6ba5d89ce80e2225b37"`);
    await q.query(`DROP INDEX "public"."waitlist_offer_message_idx"`);
    await q.query(`DROP INDEX "public"."waitlist_offer_entry_idx"`);
    await q.query(`DROP INDEX "public"."waitlist_offer_one_claim_uq"`);
    await q.query(`DROP INDEX "public"."waitlist_offer_freed_entry_uq"`);
    await q.query(`DROP TABLE "waitlist_offer"`);
    await q.query(`DROP INDEX "public"."freed_chair_time_clinic_start_idx"`);
    await q.query(`DROP TABLE "freed_chair_time"`);
    await q.query(`DROP INDEX "public"."waitlist_entry_patient_idx"`);
    await q.query(`DROP INDEX "public"."waitlist_entry_clinic_order_idx"`);
    await q.query(`DROP INDEX "public"."waitlist_entry_fit_idx"`);
    await q.query(`DROP INDEX "public"."waitlist_entry_active_course_uq"`);
    await q.query(`DROP TABLE "waitlist_entry"`);
  }
}
