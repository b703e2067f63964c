import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Set-up changes that reconcile with what is booked (issue 21).
 *
 * Reviewed by hand.
 * - `staff_shift.user_id`: the staff user a shift belongs to (optional). The exclusion constraint
 *   keeps one person from holding overlapping shifts whatever path wrote them (btree_gist is
 *   installed by Extensions); a user removed leaves the shift unnamed.
 * - `appointment.clinician_shift_id` becomes ON DELETE SET NULL: deleting a future clinician shift
 *   (only future ones can be deleted) unassigns the consults on it, which the application has
 *   already moved to another free clinician or marked `needs-rebooking` in the same transaction;
 *   before, the foreign key made any shift with a consult impossible to delete.
 */
export class SetupReconcile1796000012000 implements MigrationInterface {
  name = 'SetupReconcile1796000012000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "appointment" DROP CONSTRAINT "FK_0d35239a596646a70d96e94b1b3"`);
    await q.query(`ALTER TABLE "staff_shift" ADD "user_id" uuid`);
    await q.query(
      `ALTER TABLE "staff_shift" ADD CONSTRAINT "staff_shift_user_no_overlap" EXCLUDE USING gist (user_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (user_id IS NOT NULL)`,
    );
    await q.query(
      `ALTER TABLE "staff_shift" ADD CONSTRAINT "FK_4ff2a94aed8e4aec7f647ce5b73" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "appointment" ADD CONSTRAINT "FK_0d35239a596646a70d96e94b1b3" FOREIGN KEY ("clinician_shift_id") REFERENCES "staff_shift"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "appointment" DROP CONSTRAINT "FK_0d35239a596646a70d96e94b1b3"`);
    await q.query(`ALTER TABLE "staff_shift" DROP CONSTRAINT "FK_4ff2a94aed8e4aec7f647ce5b73"`);
    await q.query(`ALTER TABLE "staff_shift" DROP CONSTRAINT "staff_shift_user_no_overlap"`);
    await q.query(`ALTER TABLE "staff_shift" DROP COLUMN "user_id"`);
    await q.query(
      `ALTER TABLE "appointment" ADD CONSTRAINT "FK_0d35239a596646a70d96e94b1b3" FOREIGN KEY ("clinician_shift_id") REFERENCES "staff_shift"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }
}
