import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A series booking records its course's cancellation: status `cancelled`, so the booking row no
 * longer claims `booked` for visits that were all cancelled with the course.
 */
export class BookingCancelled1796000004000 implements MigrationInterface {
  name = 'BookingCancelled1796000004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "booking" DROP CONSTRAINT "booking_status"`);
    await q.query(
      `ALTER TABLE "booking" ADD CONSTRAINT "booking_status" CHECK (status IN ('held', 'booked', 'released', 'expired', 'cancelled'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // Before this migration a cancelled course left its booking `booked`.
    await q.query(`UPDATE "booking" SET status = 'booked' WHERE status = 'cancelled'`);
    await q.query(`ALTER TABLE "booking" DROP CONSTRAINT "booking_status"`);
    await q.query(`ALTER TABLE "booking" ADD CONSTRAINT "booking_status" CHECK (status IN ('held', 'booked', 'released', 'expired'))`);
  }
}
