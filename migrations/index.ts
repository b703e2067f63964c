import { Extensions1780000000000 } from './1780000000000-Extensions';
import { Outbox1795934574865 } from './1795934574865-Outbox';
import { ClinicCapacity1795936925738 } from './1795936925738-ClinicCapacity';
import { Audit1795936988200 } from './1795936988200-Audit';

/** Every migration, in order. Listed explicitly (not globbed) so the compiled apps find them. */
export const MIGRATIONS = [Extensions1780000000000, Outbox1795934574865, ClinicCapacity1795936925738, Audit1795936988200];
