import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One capacity-version bump per clinic per transaction. The deferred row triggers of
 * CapacityVersion bumped once per changed row at commit: a series booking (six visits) updated
 * its version shard six times, about 0.23 ms each, for nothing — the version only has to differ
 * once the transaction commits, and one bump inside the transaction does that. The clinics
 * already bumped are remembered in a transaction-local setting (`set_config(…, true)` ends with
 * the transaction).
 */
export class CapacityBumpOnce1796000006000 implements MigrationInterface {
  name = 'CapacityBumpOnce1796000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE FUNCTION bump_capacity_version(target uuid) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        bumped text := coalesce(current_setting('chairtime.capacity_bumped', true), '');
      BEGIN
        IF strpos(bumped, target::text) > 0 THEN
          RETURN;
        END IF;
        INSERT INTO clinic_capacity_version (clinic_id, shard, version)
        SELECT target, pg_backend_pid() % 16, 1 WHERE EXISTS (SELECT 1 FROM clinic WHERE id = target)
        ON CONFLICT (clinic_id, shard) DO UPDATE SET version = clinic_capacity_version.version + 1;
        PERFORM set_config('chairtime.capacity_bumped', bumped || target::text || ' ', true);
      END
    $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE FUNCTION bump_capacity_version(target uuid) RETURNS void LANGUAGE sql AS $$
      INSERT INTO clinic_capacity_version (clinic_id, shard, version)
      SELECT target, pg_backend_pid() % 16, 1 WHERE EXISTS (SELECT 1 FROM clinic WHERE id = target)
      ON CONFLICT (clinic_id, shard) DO UPDATE SET version = clinic_capacity_version.version + 1
    $$`);
  }
}
