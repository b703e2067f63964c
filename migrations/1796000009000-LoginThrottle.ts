import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Login throttling replaces account lock-out (issue 20): failed sign-ins are counted per
 * (account, source) pair and per source in `login_failure` (keys hash the email with the source;
 * no email is stored), read by every API process. The lock-out counters on `app_user` go: no
 * account can be locked by someone else's wrong passwords any more. Rows idle for a day are
 * deleted by the API (`last_failed_at` index).
 */
export class LoginThrottle1796000009000 implements MigrationInterface {
  name = 'LoginThrottle1796000009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "app_user_failed_logins"`);
    await q.query(
      `CREATE TABLE "login_failure" ("key" text NOT NULL, "failures" integer NOT NULL, "window_started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_failed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "blocked_until" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "login_failure_failures" CHECK (failures > 0), CONSTRAINT "PK_856165bf0920dbc72cee5af7490" PRIMARY KEY ("key"))`,
    );
    await q.query(`CREATE INDEX "login_failure_last_failed_idx" ON "login_failure"  ("last_failed_at") `);
    await q.query(`ALTER TABLE "app_user" DROP COLUMN "failed_logins"`);
    await q.query(`ALTER TABLE "app_user" DROP COLUMN "locked_until"`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "app_user" ADD "locked_until" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "app_user" ADD "failed_logins" integer NOT NULL DEFAULT '0'`);
    await q.query(`DROP INDEX "public"."login_failure_last_failed_idx"`);
    await q.query(`DROP TABLE "login_failure"`);
    await q.query(`ALTER TABLE "app_user" ADD CONSTRAINT "app_user_failed_logins" CHECK ((failed_logins >= 0))`);
  }
}
