import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Capacity is loaded by time-range overlap (`&&`) on the clinic's visits, shifts and chair blocks.
 * The (clinic_id, starts_at) b-trees bound such a search on one side only (`starts_at < end`), so
 * every load read the clinic's whole history before that end: two years of a 32-chair clinic took
 * a 43 ms sequential scan per load. GiST indexes on (clinic, time range) find exactly the rows
 * overlapping the ranges asked for (0.4 ms there). The visits' index covers only the statuses
 * that hold capacity, the same predicate as the exclusion constraints.
 *
 * Also a course's course-end messages: every series booking (and every change to a course's
 * visits) reads and supersedes them by course, and `message` had no index on course_id, so each
 * of those read the whole message table.
 */
export class RangeIndexes1796000005000 implements MigrationInterface {
  name = 'RangeIndexes1796000005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "appointment_clinic_chair_time_idx" ON "appointment" USING gist ("clinic_id", "chair_time")
       WHERE status IN ('held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged')`,
    );
    await q.query(
      `CREATE INDEX "staff_shift_clinic_time_idx" ON "staff_shift" USING gist ("clinic_id", tstzrange("starts_at", "ends_at", '[)'))`,
    );
    await q.query(
      `CREATE INDEX "chair_block_clinic_time_idx" ON "chair_block" USING gist ("clinic_id", tstzrange("starts_at", "ends_at", '[)'))`,
    );
    await q.query(`CREATE INDEX "message_course_end_idx" ON "message" ("course_id") WHERE anchor = 'course-end'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."message_course_end_idx"`);
    await q.query(`DROP INDEX "public"."chair_block_clinic_time_idx"`);
    await q.query(`DROP INDEX "public"."staff_shift_clinic_time_idx"`);
    await q.query(`DROP INDEX "public"."appointment_clinic_chair_time_idx"`);
  }
}
