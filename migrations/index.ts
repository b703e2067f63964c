import { Extensions1780000000000 } from './1780000000000-Extensions';

import { Outbox1795934574865 } from './1795934574865-Outbox';

/** Every migration, in order. Listed explicitly (not globbed) so the compiled apps find them. */
export const MIGRATIONS = [Extensions1780000000000, Outbox1795934574865];
