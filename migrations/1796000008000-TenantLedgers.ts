import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The two messaging tables that did not carry their clinic do now (docs/scaling.md: every tenant
 * row carries `clinic_id`, so the data can be distributed by clinic and each send stays a
 * one-node transaction).
 *
 * `send_ledger`: every row names its message, and the message its clinic, so every row is
 * filled. A row whose message is gone could not be attributed; no code deletes messages, so
 * there is none, and the migration stops rather than guess if there is. The primary key becomes
 * (key, clinic_id): the key starts with a visit's or patient's id, so it was unique per clinic
 * already, and lookups by key still use the key's index.
 *
 * `action_token_use`: a used token's row never said which visit it was for, so rows written
 * before this migration keep a null clinic. A `NOT VALID` check requires it on every row written
 * from now on without judging the old ones; once their tokens have expired (a visit's start at
 * the latest), they can be deleted and the check validated.
 */
export class TenantLedgers1796000008000 implements MigrationInterface {
  name = 'TenantLedgers1796000008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "send_ledger" ADD "clinic_id" uuid`);
    await q.query(`UPDATE "send_ledger" l SET "clinic_id" = m."clinic_id" FROM "message" m WHERE m."id" = l."message_id"`);
    await q.query(`DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM "send_ledger" WHERE "clinic_id" IS NULL) THEN
          RAISE EXCEPTION 'send_ledger has rows whose message no longer exists: their clinic is unknown';
        END IF;
      END $$`);
    await q.query(`ALTER TABLE "send_ledger" ALTER COLUMN "clinic_id" SET NOT NULL`);
    await q.query(`ALTER TABLE "send_ledger" DROP CONSTRAINT "PK_b47de6b5d55be5cc1c87b2be1ac"`);
    await q.query(`ALTER TABLE "send_ledger" ADD CONSTRAINT "PK_a772b8108c0d3deb203974750fa" PRIMARY KEY ("key", "clinic_id")`);

    await q.query(`ALTER TABLE "action_token_use" ADD "clinic_id" uuid`);
    await q.query(`ALTER TABLE "action_token_use" ADD CONSTRAINT "action_token_use_clinic" CHECK ("clinic_id" IS NOT NULL) NOT VALID`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "action_token_use" DROP CONSTRAINT "action_token_use_clinic"`);
    await q.query(`ALTER TABLE "action_token_use" DROP COLUMN "clinic_id"`);
    await q.query(`ALTER TABLE "send_ledger" DROP CONSTRAINT "PK_a772b8108c0d3deb203974750fa"`);
    await q.query(`ALTER TABLE "send_ledger" ADD CONSTRAINT "PK_b47de6b5d55be5cc1c87b2be1ac" PRIMARY KEY ("key")`);
    await q.query(`ALTER TABLE "send_ledger" DROP COLUMN "clinic_id"`);
  }
}
