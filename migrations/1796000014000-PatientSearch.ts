import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Patient search (`GET /v1/patients`) matches case-insensitive prefixes of a clinic's names,
 * emails and phone digits, and lists by family then given name. Each match is a `LIKE 'x%'` on
 * one of these expressions, which a b-tree with text_pattern_ops serves whatever the database's
 * collation; the (clinic, family, given) index also gives the list its order. Screenings are read
 * by clinic and status, oldest first (the review queue).
 */
export class PatientSearch1796000014000 implements MigrationInterface {
  name = 'PatientSearch1796000014000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "patient_search_family_idx" ON "patient" ("clinic_id", lower("family_name") text_pattern_ops, lower("given_name"))`,
    );
    await q.query(`CREATE INDEX "patient_search_given_idx" ON "patient" ("clinic_id", lower("given_name") text_pattern_ops)`);
    await q.query(`CREATE INDEX "patient_search_email_idx" ON "patient" ("clinic_id", lower("email") text_pattern_ops)`);
    await q.query(
      `CREATE INDEX "patient_search_phone_idx" ON "patient" ("clinic_id", regexp_replace("phone", '\\D', '', 'g') text_pattern_ops)`,
    );
    await q.query(`CREATE INDEX "screening_queue_idx" ON "screening" ("clinic_id", "status", "created_at", "id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."screening_queue_idx"`);
    await q.query(`DROP INDEX "public"."patient_search_phone_idx"`);
    await q.query(`DROP INDEX "public"."patient_search_email_idx"`);
    await q.query(`DROP INDEX "public"."patient_search_given_idx"`);
    await q.query(`DROP INDEX "public"."patient_search_family_idx"`);
  }
}
