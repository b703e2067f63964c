import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in: users (argon2id hashes, lock-out counters), their clinics, and rotating refresh-token
 * families. Hand-written beyond the draft: the case-insensitive unique email index (citext is not
 * installed, so a unique index on lower(email)).
 */

export class Identity1795937613911 implements MigrationInterface {
  name = 'Identity1795937613911';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "app_user" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "password_hash" text NOT NULL, "role" text NOT NULL, "patient_id" uuid, "failed_logins" integer NOT NULL DEFAULT '0', "locked_until" TIMESTAMP WITH TIME ZONE, "disabled" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "app_user_failed_logins" CHECK (failed_logins >= 0), CONSTRAINT "app_user_patient_link" CHECK ((role = 'patient') = (patient_id IS NOT NULL)), CONSTRAINT "app_user_role" CHECK (role IN ('admin', 'scheduler', 'nurse', 'clinician', 'patient')), CONSTRAINT "PK_22a5c4a3d9b2fb8e4e73fc4ada1" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "app_user_patient_idx" ON "app_user"  ("patient_id") `);
    await q.query(`CREATE UNIQUE INDEX "app_user_email_lower_uq" ON "app_user" (lower("email"))`);
    await q.query(
      `CREATE TABLE "user_clinic" ("user_id" uuid NOT NULL, "clinic_id" uuid NOT NULL, CONSTRAINT "PK_bfa5d55c69b2bfe4b166ef15540" PRIMARY KEY ("user_id", "clinic_id"))`,
    );
    await q.query(`CREATE INDEX "user_clinic_clinic_idx" ON "user_clinic"  ("clinic_id") `);
    await q.query(
      `CREATE TABLE "refresh_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "family_id" uuid NOT NULL, "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "replaced_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b575dd3c21fb0831013c909e7fe" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "refresh_token_user_idx" ON "refresh_token"  ("user_id") `);
    await q.query(`CREATE INDEX "refresh_token_family_idx" ON "refresh_token"  ("family_id") `);
    await q.query(`CREATE UNIQUE INDEX "refresh_token_hash_uq" ON "refresh_token"  ("token_hash") `);
    await q.query(
      `ALTER TABLE "app_user" ADD CONSTRAINT "FK_872aca5054426eae57f00416d3a" FOREIGN KEY ("patient_id") REFERENCES "patient"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "user_clinic" ADD CONSTRAINT "FK_9b3f3fe776fe62330431a403227" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "user_clinic" ADD CONSTRAINT "FK_71bdb0118d45a6d02bfc6702b70" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "refresh_token" ADD CONSTRAINT "FK_6bbe63d2fe75e7f0ba1710351d4" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "refresh_token" DROP CONSTRAINT "FK_6bbe63d2fe75e7f0ba1710351d4"`);
    await q.query(`ALTER TABLE "user_clinic" DROP CONSTRAINT "FK_71bdb0118d45a6d02bfc6702b70"`);
    await q.query(`ALTER TABLE "user_clinic" DROP CONSTRAINT "FK_9b3f3fe776fe62330431a403227"`);
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "FK_872aca5054426eae57f00416d3a"`);
    await q.query(`DROP INDEX "public"."refresh_token_hash_uq"`);
    await q.query(`DROP INDEX "public"."refresh_token_family_idx"`);
    await q.query(`DROP INDEX "public"."refresh_token_user_idx"`);
    await q.query(`DROP TABLE "refresh_token"`);
    await q.query(`DROP INDEX "public"."user_clinic_clinic_idx"`);
    await q.query(`DROP TABLE "user_clinic"`);
    await q.query(`DROP INDEX "public"."app_user_email_lower_uq"`);
    await q.query(`DROP INDEX "public"."app_user_patient_idx"`);
    await q.query(`DROP TABLE "app_user"`);
  }
}
