import { OutboxEntry } from '@chairtime/jobs';
import { MIGRATIONS } from '../../../migrations';

/**
 * Every entity and migration of the product. Imported by the apps, the CLI and the tests — not
 * by feature libraries (which would make an import cycle through this file).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const ENTITIES: Function[] = [OutboxEntry];

export { MIGRATIONS };
