import { OutboxEntry } from '@chairtime/jobs';
import * as scheduling from '@chairtime/scheduling/entities';
import * as clinical from '@chairtime/clinical/entities';
import * as audit from '@chairtime/audit/entities';
import * as courses from '@chairtime/courses/entities';
import * as identity from '@chairtime/identity/entities';
import * as messaging from '@chairtime/messaging/entities';
import * as waitlist from '@chairtime/waitlist/entities';
import { MIGRATIONS } from '../../../migrations';

/**
 * Every entity and migration of the product. Imported by the apps, the CLI and the tests — not
 * by feature libraries (which would make an import cycle through this file).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const ENTITIES: Function[] = [
  OutboxEntry,
  ...entityClasses(scheduling),
  ...entityClasses(clinical),
  ...entityClasses(audit),
  ...entityClasses(courses),
  ...entityClasses(identity),
  ...entityClasses(messaging),
  ...entityClasses(waitlist),
];

/** The classes a module of entities exports (it also exports types and constants). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function entityClasses(mod: Record<string, unknown>): Function[] {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  return Object.values(mod).filter((v): v is Function => typeof v === 'function');
}

export { MIGRATIONS };
