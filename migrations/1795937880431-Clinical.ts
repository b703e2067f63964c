import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Clinical: screenings, assessments, staff tasks and the day-of records (vitals readings, side
 * effects, Spravato REMS monitoring forms). `task_open_per_appointment` is a partial unique index:
 * one unresolved task per (kind, appointment), so a retried job cannot raise an alert twice.
 */

export class Clinical1795937880431 implements MigrationInterface {
  name = 'Clinical1795937880431';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "screening" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "inputs" jsonb NOT NULL, "status" text NOT NULL, "contraindications" text array NOT NULL DEFAULT '{}', "indications" text array NOT NULL DEFAULT '{}', "relative_flags" text array NOT NULL DEFAULT '{}', "phq9_baseline" integer, "gad7_baseline" integer, "created_by" uuid, "decided_by" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "decision_note" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "screening_status" CHECK (status IN ('pending-review', 'ineligible', 'approved', 'declined')), CONSTRAINT "PK_5111bc526c9133721aeffb9a578" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "screening_patient_idx" ON "screening"  ("patient_id", "created_at") `);
    await q.query(
      `CREATE TABLE "assessment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "instrument" text NOT NULL, "answers" integer array NOT NULL, "score" integer NOT NULL, "severity" text NOT NULL, "item9_positive" boolean NOT NULL DEFAULT false, "relapse_signal" boolean NOT NULL DEFAULT false, "source" text NOT NULL, "screening_id" uuid, "created_by" uuid, "taken_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "assessment_instrument" CHECK (instrument IN ('PHQ-9', 'GAD-7')), CONSTRAINT "PK_c511a7dc128256876b6b1719401" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "assessment_patient_idx" ON "assessment"  ("patient_id", "instrument", "taken_at") `);
    await q.query(
      `CREATE TABLE "task" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "kind" text NOT NULL, "appointment_id" uuid, "patient_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'open', "priority" text NOT NULL DEFAULT 'normal', "assignee_role" text, "due_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, "acknowledged_by" uuid, "acknowledged_at" TIMESTAMP WITH TIME ZONE, "resolved_by" uuid, "resolved_at" TIMESTAMP WITH TIME ZONE, "note" text, CONSTRAINT "task_priority" CHECK (priority IN ('normal', 'high', 'urgent')), CONSTRAINT "task_status" CHECK (status IN ('open', 'acknowledged', 'resolved')), CONSTRAINT "PK_fb213f79ee45060ba925ecd576e" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "task_open_per_appointment" ON "task"  ("kind", "appointment_id") WHERE appointment_id IS NOT NULL AND status IN ('open', 'acknowledged')`,
    );
    await q.query(`CREATE INDEX "task_clinic_status_idx" ON "task"  ("clinic_id", "status", "created_at") `);
    await q.query(
      `CREATE TABLE "vitals_reading" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "appointment_id" uuid NOT NULL, "clinic_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "phase" text NOT NULL, "systolic" integer NOT NULL, "diastolic" integer NOT NULL, "heart_rate" integer NOT NULL, "spo2" integer NOT NULL, "accepted" boolean, "taken_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recorded_by" uuid, CONSTRAINT "vitals_reading_phase" CHECK (phase IN ('pre', 'during', 'post')), CONSTRAINT "PK_36ffe0c91f5d24e71bb634fe45f" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "vitals_reading_appointment_idx" ON "vitals_reading"  ("appointment_id", "taken_at") `);
    await q.query(
      `CREATE TABLE "side_effect" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "appointment_id" uuid NOT NULL, "clinic_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "name" text NOT NULL, "severity" text NOT NULL, "note" text, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recorded_by" uuid, CONSTRAINT "side_effect_severity" CHECK (severity IN ('mild', 'moderate', 'severe')), CONSTRAINT "PK_2a46a6a2d08fc6be7815e5501c0" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "side_effect_appointment_idx" ON "side_effect"  ("appointment_id") `);
    await q.query(
      `CREATE TABLE "rems_monitoring_form" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "appointment_id" uuid NOT NULL, "clinic_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "dose_mg" integer NOT NULL, "devices" integer NOT NULL, "lot_number" text NOT NULL, "first_device_at" TIMESTAMP WITH TIME ZONE NOT NULL, "monitoring_ended_at" TIMESTAMP WITH TIME ZONE NOT NULL, "sedation" boolean NOT NULL, "dissociation" boolean NOT NULL, "filed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "filed_by" uuid, CONSTRAINT "PK_cd12474bc4bd4c6b57384b88976" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "rems_monitoring_form_appointment" ON "rems_monitoring_form"  ("appointment_id") `);
    await q.query(
      `ALTER TABLE "screening" ADD CONSTRAINT "FK_b80050575e8d385dc069a7c8966" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "screening" ADD CONSTRAINT "FK_b37c3882d1cc694ded0d2dd1033" FOREIGN KEY ("patient_id") REFERENCES "patient"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "assessment" ADD CONSTRAINT "FK_cb96d82c43a95a231520f1dfd07" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "assessment" ADD CONSTRAINT "FK_5f5d003a2061e0eb32602651310" FOREIGN KEY ("patient_id") REFERENCES "patient"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "task" ADD CONSTRAINT "FK_19b14fcdd4692d7e3e60a872b94" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "task" ADD CONSTRAINT "FK_74a95bf5e8f3b8f447254995d14" FOREIGN KEY ("appointment_id") REFERENCES "appointment"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "task" ADD CONSTRAINT "FK_00d9674fae1b3838011f904f908" FOREIGN KEY ("patient_id") REFERENCES "patient"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "vitals_reading" ADD CONSTRAINT "FK_47ff64959c567ef76692106c0b6" FOREIGN KEY ("appointment_id") REFERENCES "appointment"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "side_effect" ADD CONSTRAINT "FK_dc4bd9581813d76f6f7ac011e57" FOREIGN KEY ("appointment_id") REFERENCES "appointment"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "rems_monitoring_form" ADD CONSTRAINT "FK_afb32a7e5782f9916793cd04221" FOREIGN KEY ("appointment_id") REFERENCES "appointment"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "rems_monitoring_form" DROP CONSTRAINT "FK_afb32a7e5782f9916793cd04221"`);
    await q.query(`ALTER TABLE "side_effect" DROP CONSTRAINT "FK_dc4bd9581813d76f6f7ac011e57"`);
    await q.query(`ALTER TABLE "vitals_reading" DROP CONSTRAINT "FK_47ff64959c567ef76692106c0b6"`);
    await q.query(`ALTER TABLE "task" DROP CONSTRAINT "FK_00d9674fae1b3838011f904f908"`);
    await q.query(`ALTER TABLE "task" DROP CONSTRAINT "FK_74a95bf5e8f3b8f447254995d14"`);
    await q.query(`ALTER TABLE "task" DROP CONSTRAINT "FK_19b14fcdd4692d7e3e60a872b94"`);
    await q.query(`ALTER TABLE "assessment" DROP CONSTRAINT "FK_5f5d003a2061e0eb32602651310"`);
    await q.query(`ALTER TABLE "assessment" DROP CONSTRAINT "FK_cb96d82c43a95a231520f1dfd07"`);
    await q.query(`ALTER TABLE "screening" DROP CONSTRAINT "FK_b37c3882d1cc694ded0d2dd1033"`);
    await q.query(`ALTER TABLE "screening" DROP CONSTRAINT "FK_b80050575e8d385dc069a7c8966"`);
    await q.query(`DROP INDEX "public"."rems_monitoring_form_appointment"`);
    await q.query(`DROP TABLE "rems_monitoring_form"`);
    await q.query(`DROP INDEX "public"."side_effect_appointment_idx"`);
    await q.query(`DROP TABLE "side_effect"`);
    await q.query(`DROP INDEX "public"."vitals_reading_appointment_idx"`);
    await q.query(`DROP TABLE "vitals_reading"`);
    await q.query(`DROP INDEX "public"."task_clinic_status_idx"`);
    await q.query(`DROP INDEX "public"."task_open_per_appointment"`);
    await q.query(`DROP TABLE "task"`);
    await q.query(`DROP INDEX "public"."assessment_patient_idx"`);
    await q.query(`DROP TABLE "assessment"`);
    await q.query(`DROP INDEX "public"."screening_patient_idx"`);
    await q.query(`DROP TABLE "screening"`);
  }
}
