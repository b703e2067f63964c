import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every message ends (issue 21). A message gets:
 * - `not_after`: the instant after which it is never sent (libs/domain `messageNotAfter`). Rows
 *   written before this migration are filled by the same rule, in SQL: a visit's pre-visit
 *   messages and its confirmation end at the visit's start, offers at the offered start (their
 *   planned time), check-ins and booster prompts after their window, crisis resources a day after
 *   they were due.
 * - `claimed_at`: when a send claimed it (status `sending`) before calling the provider, so a
 *   cancel that comes after the claim leaves it alone and a claim left by a dead attempt is known
 *   by its age.
 * - `error`: why a send ended `failed`, `expired` or unconfirmed (a code and a status, never the
 *   provider's text, which can echo the recipient).
 * Statuses gain `sending` (claimed, provider call under way) and `expired`. The partial index
 * serves the maintenance sweep that expires open messages past not-after.
 */
export class MessagesEnd1796000011000 implements MigrationInterface {
  name = 'MessagesEnd1796000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "message" ADD "not_after" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "message" ADD "claimed_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "message" ADD "error" text`);
    await q.query(`UPDATE "message" m SET "not_after" = CASE
        WHEN m."kind" IN ('preparation', 'ride-request', 'ride-second-request', 'reminder', 'final-reminder', 'booking-confirmation')
             AND m."appointment_id" IS NOT NULL THEN (SELECT a."starts_at" FROM "appointment" a WHERE a."id" = m."appointment_id")
        WHEN m."kind" IN ('booster-offer', 'waitlist-offer', 'waitlist-offer-gone') THEN m."planned_at"
        WHEN m."kind" = 'side-effects-check-in' THEN m."planned_at" + interval '12 hours'
        WHEN m."kind" = 'phq9-check-in' THEN m."planned_at" + interval '3 days'
        WHEN m."kind" = 'booster-due' THEN m."planned_at" + interval '7 days'
        WHEN m."kind" = 'crisis-resources' THEN GREATEST(m."planned_at", m."send_at") + interval '1 day'
        ELSE m."planned_at" + interval '1 day' END`);
    await q.query(`ALTER TABLE "message" ALTER COLUMN "not_after" SET NOT NULL`);
    await q.query(`ALTER TABLE "message" DROP CONSTRAINT "message_status"`);
    await q.query(
      `ALTER TABLE "message" ADD CONSTRAINT "message_status" CHECK (status IN ('scheduled', 'sending', 'sent', 'skipped', 'superseded', 'failed', 'expired'))`,
    );
    await q.query(`CREATE INDEX "message_open_not_after_idx" ON "message" ("not_after") WHERE status IN ('scheduled', 'sending')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "message_open_not_after_idx"`);
    await q.query(`UPDATE "message" SET "status" = 'failed' WHERE "status" IN ('sending', 'expired')`);
    await q.query(`ALTER TABLE "message" DROP CONSTRAINT "message_status"`);
    await q.query(
      `ALTER TABLE "message" ADD CONSTRAINT "message_status" CHECK (status IN ('scheduled', 'sent', 'skipped', 'superseded', 'failed'))`,
    );
    await q.query(`ALTER TABLE "message" DROP COLUMN "error"`);
    await q.query(`ALTER TABLE "message" DROP COLUMN "claimed_at"`);
    await q.query(`ALTER TABLE "message" DROP COLUMN "not_after"`);
  }
}
