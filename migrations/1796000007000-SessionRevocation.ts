import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed-out sessions, so a sign-out also ends the session's access tokens (they carry the
 * session id as `sid`), not only its refresh token. Each row lives until the last access token
 * it refuses has expired; the index on `expires_at` serves that clean-up.
 */
export class SessionRevocation1796000007000 implements MigrationInterface {
  name = 'SessionRevocation1796000007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "session_revocation" ("id" BIGSERIAL NOT NULL, "session_id" uuid NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c404381d18446a738e527b94dc4" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "session_revocation_expires_idx" ON "session_revocation"  ("expires_at") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."session_revocation_expires_idx"`);
    await q.query(`DROP TABLE "session_revocation"`);
  }
}
