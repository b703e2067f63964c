import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * btree_gist lets exclusion constraints mix equality on uuid columns (chair, patient, clinician)
 * with overlap on time ranges — the database's own refusal of double bookings.
 */
export class Extensions1780000000000 implements MigrationInterface {
  name = 'Extensions1780000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS btree_gist');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP EXTENSION IF EXISTS btree_gist');
  }
}
