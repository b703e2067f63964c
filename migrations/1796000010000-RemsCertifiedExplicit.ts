import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Spravato REMS certification is a hard stop, so no clinic may be certified by a default.
 *
 * The default itself lives in DEFAULT_CLINIC_SETTINGS (now `remsCertified: false`): `settings` is
 * one jsonb object the application always writes whole, so a column DEFAULT would never apply.
 * What the database can guarantee is that every clinic states its certification explicitly, so
 * no reader falls back on whatever default the code of the day has: a CHECK that
 * `settings.remsCertified` is a boolean.
 *
 * Existing clinics keep their value. One without the key (never written by this application,
 * which has always stored it) was refused Spravato already — the code read `undefined` as not
 * certified — so it is written as `false`, which changes nothing it could do.
 */
export class RemsCertifiedExplicit1796000010000 implements MigrationInterface {
  name = 'RemsCertifiedExplicit1796000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE clinic SET settings = jsonb_set(settings, '{remsCertified}', 'false'::jsonb)
        WHERE jsonb_typeof(settings -> 'remsCertified') IS DISTINCT FROM 'boolean'`,
    );
    await q.query(
      `ALTER TABLE "clinic" ADD CONSTRAINT "clinic_settings_rems_certified" CHECK (coalesce(jsonb_typeof(settings -> 'remsCertified'), 'missing') = 'boolean')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "clinic" DROP CONSTRAINT "clinic_settings_rems_certified"`);
  }
}
