import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables whose rows carry `clinic_id` and shape what a clinic can offer. */
const SETUP_TABLES = ['opening_hours', 'closure', 'chair', 'chair_block', 'staff_shift'];

/**
 * A per-clinic capacity version (the sum of its shards) that every committed change to capacity
 * bumps, so the API can cache availability answers and still never show a slot that a committed
 * booking took.
 *
 * Reviewed by hand. Why triggers, not application code: every writer (booking, courses, holds,
 * expiry sweeps, set-up endpoints, seeds, operators in psql) is covered without each remembering.
 * Why DEFERRABLE INITIALLY DEFERRED constraint triggers: the bump runs at commit, so the version
 * row is locked only for the last moment of a transaction — concurrent bookings of one clinic do
 * not queue behind each other's whole transaction, and no lock is taken after it that could
 * close a deadlock cycle with the per-day advisory locks. Readers take the version BEFORE loading
 * capacity: a change committed later moves the version past the cached stamp.
 *
 * Appointment updates bump only when a column that occupies capacity changes (status, times,
 * chair, clinician, hold expiry) — ride confirmations and vitals leave the cache warm.
 */
export class CapacityVersion1796000003000 implements MigrationInterface {
  name = 'CapacityVersion1796000003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "clinic_capacity_version" ("clinic_id" uuid NOT NULL, "shard" smallint NOT NULL, "version" bigint NOT NULL DEFAULT '0', CONSTRAINT "PK_clinic_capacity_version" PRIMARY KEY ("clinic_id", "shard"))`,
    );
    await q.query(
      `ALTER TABLE "clinic_capacity_version" ADD CONSTRAINT "clinic_capacity_version_clinic_fk" FOREIGN KEY ("clinic_id") REFERENCES "clinic"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // The clinic may have been deleted (cascading to its rows) by the time a deferred bump runs.
    // One of 16 shards per clinic, chosen by the writer's backend: concurrent commits of one
    // clinic mostly touch different rows; readers sum the shards in one statement.
    await q.query(`CREATE FUNCTION bump_capacity_version(target uuid) RETURNS void LANGUAGE sql AS $$
      INSERT INTO clinic_capacity_version (clinic_id, shard, version)
      SELECT target, pg_backend_pid() % 16, 1 WHERE EXISTS (SELECT 1 FROM clinic WHERE id = target)
      ON CONFLICT (clinic_id, shard) DO UPDATE SET version = clinic_capacity_version.version + 1
    $$`);
    await q.query(`CREATE FUNCTION capacity_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          PERFORM bump_capacity_version(OLD.clinic_id);
        ELSE
          PERFORM bump_capacity_version(NEW.clinic_id);
        END IF;
        RETURN NULL;
      END
    $$`);
    await q.query(`CREATE FUNCTION clinic_capacity_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM bump_capacity_version(NEW.id);
        RETURN NULL;
      END
    $$`);
    for (const table of SETUP_TABLES) {
      await q.query(
        `CREATE CONSTRAINT TRIGGER "${table}_capacity_version" AFTER INSERT OR UPDATE OR DELETE ON "${table}"
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION capacity_row_changed()`,
      );
    }
    await q.query(
      `CREATE CONSTRAINT TRIGGER "appointment_capacity_version" AFTER INSERT OR DELETE ON "appointment"
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION capacity_row_changed()`,
    );
    await q.query(
      `CREATE CONSTRAINT TRIGGER "appointment_capacity_version_update" AFTER UPDATE ON "appointment"
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
       WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.chair_time IS DISTINCT FROM NEW.chair_time
         OR OLD.visit_time IS DISTINCT FROM NEW.visit_time OR OLD.chair_id IS DISTINCT FROM NEW.chair_id
         OR OLD.clinician_shift_id IS DISTINCT FROM NEW.clinician_shift_id
         OR OLD.hold_expires_at IS DISTINCT FROM NEW.hold_expires_at OR OLD.clinic_id IS DISTINCT FROM NEW.clinic_id)
       EXECUTE FUNCTION capacity_row_changed()`,
    );
    await q.query(
      `CREATE CONSTRAINT TRIGGER "clinic_capacity_version" AFTER UPDATE ON "clinic"
       DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
       WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone OR OLD.settings IS DISTINCT FROM NEW.settings)
       EXECUTE FUNCTION clinic_capacity_changed()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "clinic_capacity_version" ON "clinic"`);
    await q.query(`DROP TRIGGER "appointment_capacity_version_update" ON "appointment"`);
    await q.query(`DROP TRIGGER "appointment_capacity_version" ON "appointment"`);
    for (const table of [...SETUP_TABLES].reverse()) await q.query(`DROP TRIGGER "${table}_capacity_version" ON "${table}"`);
    await q.query(`DROP FUNCTION clinic_capacity_changed()`);
    await q.query(`DROP FUNCTION capacity_row_changed()`);
    await q.query(`DROP FUNCTION bump_capacity_version(uuid)`);
    await q.query(`ALTER TABLE "clinic_capacity_version" DROP CONSTRAINT "clinic_capacity_version_clinic_fk"`);
    await q.query(`DROP TABLE "clinic_capacity_version"`);
  }
}
