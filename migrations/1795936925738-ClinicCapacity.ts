import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Clinics (the tenant), their weekly hours, closures, chairs, chair blocks, staff shifts, visit
 * kinds (seeded from DOMAIN.md), patients and appointments.
 *
 * Reviewed by hand: the three exclusion constraints on appointment are the database's refusal of
 * double bookings — one chair, one patient or one clinician can never hold two overlapping
 * active visits, whatever code path inserts them. They need btree_gist (first migration).
 */

export class ClinicCapacity1795936925738 implements MigrationInterface {
  name = 'ClinicCapacity1795936925738';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "clinic" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "timezone" text NOT NULL, "settings" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "clinic_name_not_blank" CHECK (length(btrim(name)) > 0), CONSTRAINT "PK_8e97c18debc9c7f7606e311d763" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE TABLE "opening_hours" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "weekday" smallint NOT NULL, "opens" text NOT NULL, "closes" text NOT NULL, CONSTRAINT "opening_hours_times" CHECK (opens ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND closes ~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$' AND closes > opens), CONSTRAINT "opening_hours_weekday" CHECK (weekday BETWEEN 1 AND 7), CONSTRAINT "PK_09415e2b345103b1f5971464f85" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "opening_hours_clinic_idx" ON "opening_hours"  ("clinic_id", "weekday") `);
    await q.query(
      `CREATE TABLE "closure" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "start_date" date NOT NULL, "end_date" date NOT NULL, "reason" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "closure_dates" CHECK (end_date >= start_date), CONSTRAINT "PK_320f18692cc9062c46e6081d808" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "closure_clinic_idx" ON "closure"  ("clinic_id", "start_date") `);
    await q.query(
      `CREATE TABLE "chair" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "name" text NOT NULL, "capabilities" text array NOT NULL, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chair_name_not_blank" CHECK (length(btrim(name)) > 0), CONSTRAINT "PK_81cf4af37415eae13b5fbb2f0c0" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "chair_clinic_name_uq" ON "chair"  ("clinic_id", "name") `);
    await q.query(
      `CREATE TABLE "chair_block" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "chair_id" uuid NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "reason" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "chair_block_range" CHECK (ends_at > starts_at), CONSTRAINT "PK_0d27d316f958e66302f7e6b7720" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "chair_block_chair_idx" ON "chair_block"  ("chair_id", "starts_at") `);
    await q.query(`CREATE INDEX "chair_block_clinic_idx" ON "chair_block"  ("clinic_id", "starts_at") `);
    await q.query(
      `CREATE TABLE "staff_shift" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "role" text NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "name" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "staff_shift_range" CHECK (ends_at > starts_at AND ends_at - starts_at <= interval '24 hours'), CONSTRAINT "staff_shift_role" CHECK (role IN ('nurse', 'clinician')), CONSTRAINT "PK_63086650f3158efe47f1af8a148" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "staff_shift_clinic_idx" ON "staff_shift"  ("clinic_id", "starts_at") `);
    await q.query(
      `CREATE TABLE "visit_kind" ("key" text NOT NULL, "name" text NOT NULL, "needs_chair" boolean NOT NULL, "needs_clinician" boolean NOT NULL, "capability" text, "treatment_minutes" integer NOT NULL, "recovery_minutes" integer NOT NULL, "ride_required" boolean NOT NULL, CONSTRAINT "visit_kind_minutes" CHECK (treatment_minutes > 0 AND recovery_minutes >= 0), CONSTRAINT "PK_dd4871bb2a5555ae94274bbf748" PRIMARY KEY ("key"))`,
    );
    await q.query(
      `CREATE TABLE "appointment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "patient_id" uuid NOT NULL, "course_id" uuid, "booking_id" uuid, "sequence" integer, "kind" text NOT NULL, "chair_id" uuid, "clinician_shift_id" uuid, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "chair_released_at" TIMESTAMP WITH TIME ZONE NOT NULL, "chair_time" tstzrange NOT NULL, "visit_time" tstzrange NOT NULL, "status" text NOT NULL, "hold_expires_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', "ride_status" text NOT NULL DEFAULT 'unconfirmed', "ride_driver_name" text, "ride_driver_phone" text, "flags" text array NOT NULL DEFAULT '{}', "checked_in_at" TIMESTAMP WITH TIME ZONE, "started_at" TIMESTAMP WITH TIME ZONE, "discharged_at" TIMESTAMP WITH TIME ZONE, "ride_handoff_name" text, "cancelled_at" TIMESTAMP WITH TIME ZONE, "cancel_reason" text, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "appointment_ride_status" CHECK (ride_status IN ('unconfirmed', 'confirmed', 'rideshare', 'needs-help', 'not-required')), CONSTRAINT "appointment_hold" CHECK (status <> 'held' OR hold_expires_at IS NOT NULL), CONSTRAINT "appointment_visit_time" CHECK (visit_time = tstzrange(starts_at, ends_at, '[)')), CONSTRAINT "appointment_chair_time" CHECK (chair_time = tstzrange(starts_at, chair_released_at, '[)')), CONSTRAINT "appointment_times" CHECK (starts_at < ends_at AND ends_at <= chair_released_at), CONSTRAINT "appointment_status" CHECK (status IN ('held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged', 'cancelled', 'no-show')), CONSTRAINT "appointment_clinician_no_overlap" EXCLUDE USING gist (clinician_shift_id WITH =, visit_time WITH &&) WHERE (clinician_shift_id IS NOT NULL AND status IN ('held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged')), CONSTRAINT "appointment_patient_no_overlap" EXCLUDE USING gist (patient_id WITH =, visit_time WITH &&) WHERE (status IN ('held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged')), CONSTRAINT "appointment_chair_no_overlap" EXCLUDE USING gist (chair_id WITH =, chair_time WITH &&) WHERE (chair_id IS NOT NULL AND status IN ('held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged')), CONSTRAINT "PK_e8be1a53027415e709ce8a2db74" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "appointment_hold_expiry_idx" ON "appointment"  ("hold_expires_at") WHERE status = 'held'`);
    await q.query(`CREATE INDEX "appointment_course_idx" ON "appointment"  ("course_id", "sequence") `);
    await q.query(`CREATE INDEX "appointment_patient_start_idx" ON "appointment"  ("patient_id", "starts_at") `);
    await q.query(`CREATE INDEX "appointment_clinic_start_idx" ON "appointment"  ("clinic_id", "starts_at") `);
    await q.query(
      `CREATE TABLE "patient" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "clinic_id" uuid NOT NULL, "given_name" text NOT NULL, "family_name" text NOT NULL, "birth_date" date NOT NULL, "email" text, "phone" text, "timezone" text, "contact_preference" text NOT NULL, "consent" jsonb NOT NULL DEFAULT '{"sms": false, "email": false}', "ride_contacts" jsonb NOT NULL DEFAULT '[]', "rems_enrollment_id" text, "rems_enrolled_on" date, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "patient_contact_preference" CHECK (contact_preference IN ('sms', 'email')), CONSTRAINT "PK_8dfa510bb29ad31ab2139fbfb99" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "patient_clinic_idx" ON "patient"  ("clinic_id", "family_name") `);
    await q.query(
      `ALTER TABLE "opening_hours" ADD CONSTRAINT "FK_0714c5bf9fb9a8bf9c3c8bb7ee9" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "closure" ADD CONSTRAINT "FK_ebe97b445c269a66dd6f9a0ca74" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "chair" ADD CONSTRAINT "FK_503ac2873d59ab838f2dc5315fa" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "chair_block" ADD CONSTRAINT "FK_e58d6fc379ed49e6db74f0d7518" FOREIGN KEY ("chair_id") REFERENCES "chair"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "staff_shift" ADD CONSTRAINT "FK_6464a1cc76954ea60a72a998e09" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "appointment" ADD CONSTRAINT "FK_3c6b7a09cbc0d0aca9d8febdf38" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "appointment" ADD CONSTRAINT "FK_86b3e35a97e289071b4785a1402" FOREIGN KEY ("patient_id") REFERENCES "patient"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "appointment" ADD CONSTRAINT "FK_4b8e4980dee3ad419c9293d1a90" FOREIGN KEY ("kind") REFERENCES "visit_kind"("key") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "appointment" ADD CONSTRAINT "FK_8fdfc610c3668a7da1b92044e56" FOREIGN KEY ("chair_id") REFERENCES "chair"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "appointment" ADD CONSTRAINT "FK_0d35239a596646a70d96e94b1b3" FOREIGN KEY ("clinician_shift_id") REFERENCES "staff_shift"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "patient" ADD CONSTRAINT "FK_22f1c9da84f55dbd60c51ca7a47" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    // Visit kinds as data (DOMAIN.md). Prep and turnover are clinic settings for chair kinds.
    await q.query(`INSERT INTO visit_kind (key, name, needs_chair, needs_clinician, capability, treatment_minutes, recovery_minutes, ride_required) VALUES
      ('intake', 'Intake consult', false, true, NULL, 60, 0, false),
      ('follow-up', 'Follow-up consult', false, true, NULL, 30, 0, false),
      ('iv-infusion', 'IV infusion', true, false, 'iv-infusion', 40, 30, true),
      ('im-injection', 'IM injection', true, false, 'im-injection', 40, 30, true),
      ('spravato', 'Spravato session', true, false, 'spravato', 10, 120, true),
      ('lozenge', 'Supervised first lozenge dose', true, false, 'lozenge', 15, 60, true)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "patient" DROP CONSTRAINT "FK_22f1c9da84f55dbd60c51ca7a47"`);
    await q.query(`ALTER TABLE "appointment" DROP CONSTRAINT "FK_0d35239a596646a70d96e94b1b3"`);
    await q.query(`ALTER TABLE "appointment" DROP CONSTRAINT "FK_8fdfc610c3668a7da1b92044e56"`);
    await q.query(`ALTER TABLE "appointment" DROP CONSTRAINT "FK_4b8e4980dee3ad419c9293d1a90"`);
    await q.query(`ALTER TABLE "appointment" DROP CONSTRAINT "FK_86b3e35a97e289071b4785a1402"`);
    await q.query(`ALTER TABLE "appointment" DROP CONSTRAINT "FK_3c6b7a09cbc0d0aca9d8febdf38"`);
    await q.query(`ALTER TABLE "staff_shift" DROP CONSTRAINT "FK_6464a1cc76954ea60a72a998e09"`);
    await q.query(`ALTER TABLE "chair_block" DROP CONSTRAINT "FK_e58d6fc379ed49e6db74f0d7518"`);
    await q.query(`ALTER TABLE "chair" DROP CONSTRAINT "FK_503ac2873d59ab838f2dc5315fa"`);
    await q.query(`ALTER TABLE "closure" DROP CONSTRAINT "FK_ebe97b445c269a66dd6f9a0ca74"`);
    await q.query(`ALTER TABLE "opening_hours" DROP CONSTRAINT "FK_0714c5bf9fb9a8bf9c3c8bb7ee9"`);
    await q.query(`DROP INDEX "public"."patient_clinic_idx"`);
    await q.query(`DROP TABLE "patient"`);
    await q.query(`DROP INDEX "public"."appointment_clinic_start_idx"`);
    await q.query(`DROP INDEX "public"."appointment_patient_start_idx"`);
    await q.query(`DROP INDEX "public"."appointment_course_idx"`);
    await q.query(`DROP INDEX "public"."appointment_hold_expiry_idx"`);
    await q.query(`DROP TABLE "appointment"`);
    await q.query(`DROP TABLE "visit_kind"`);
    await q.query(`DROP INDEX "public"."staff_shift_clinic_idx"`);
    await q.query(`DROP TABLE "staff_shift"`);
    await q.query(`DROP INDEX "public"."chair_block_clinic_idx"`);
    await q.query(`DROP INDEX "public"."chair_block_chair_idx"`);
    await q.query(`DROP TABLE "chair_block"`);
    await q.query(`DROP INDEX "public"."chair_clinic_name_uq"`);
    await q.query(`DROP TABLE "chair"`);
    await q.query(`DROP INDEX "public"."closure_clinic_idx"`);
    await q.query(`DROP TABLE "closure"`);
    await q.query(`DROP INDEX "public"."opening_hours_clinic_idx"`);
    await q.query(`DROP TABLE "opening_hours"`);
    await q.query(`DROP TABLE "clinic"`);
  }
}
