import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Check-in answers given through one-tap links: one per check-in message (unique), a wellbeing
 * answer's fields or the id of the assessment a PHQ-9 answer became.
 */
export class FollowUps1796000001000 implements MigrationInterface {
  name = 'FollowUps1796000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "check_in_answer" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "appointment_id" uuid NOT NULL, "message_id" uuid NOT NULL, "kind" text NOT NULL, "assessment_id" uuid, "feeling" integer, "side_effects" text array, "suicidal_thoughts" boolean, "answered_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "check_in_answer_form" CHECK (assessment_id IS NOT NULL OR (feeling IS NOT NULL AND suicidal_thoughts IS NOT NULL)), CONSTRAINT "check_in_answer_feeling" CHECK (feeling BETWEEN 0 AND 10), CONSTRAINT "PK_check_in_answer" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "check_in_answer_patient_idx" ON "check_in_answer" ("patient_id", "answered_at") `);
    await q.query(`CREATE UNIQUE INDEX "check_in_answer_message_key" ON "check_in_answer" ("message_id") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."check_in_answer_message_key"`);
    await q.query(`DROP INDEX "public"."check_in_answer_patient_idx"`);
    await q.query(`DROP TABLE "check_in_answer"`);
  }
}
