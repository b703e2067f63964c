import { Extensions1780000000000 } from './1780000000000-Extensions';
import { Outbox1795934574865 } from './1795934574865-Outbox';
import { ClinicCapacity1795936925738 } from './1795936925738-ClinicCapacity';
import { Audit1795936988200 } from './1795936988200-Audit';
import { Courses1795937478135 } from './1795937478135-Courses';
import { Identity1795937613911 } from './1795937613911-Identity';
import { Clinical1795937880431 } from './1795937880431-Clinical';
import { Messaging1795939143140 } from './1795939143140-Messaging';
import { FollowUps1796000001000 } from './1796000001000-FollowUps';
import { Waitlist1796000002000 } from './1796000002000-Waitlist';
import { CapacityVersion1796000003000 } from './1796000003000-CapacityVersion';
import { BookingCancelled1796000004000 } from './1796000004000-BookingCancelled';
import { RangeIndexes1796000005000 } from './1796000005000-RangeIndexes';
import { CapacityBumpOnce1796000006000 } from './1796000006000-CapacityBumpOnce';
import { SessionRevocation1796000007000 } from './1796000007000-SessionRevocation';
import { TenantLedgers1796000008000 } from './1796000008000-TenantLedgers';
import { LoginThrottle1796000009000 } from './1796000009000-LoginThrottle';
import { RemsCertifiedExplicit1796000010000 } from './1796000010000-RemsCertifiedExplicit';
import { MessagesEnd1796000011000 } from './1796000011000-MessagesEnd';
import { SetupReconcile1796000012000 } from './1796000012000-SetupReconcile';
import { SmallerHoles1796000013000 } from './1796000013000-SmallerHoles';
import { PatientSearch1796000014000 } from './1796000014000-PatientSearch';

/** Every migration, in order. Listed explicitly (not globbed) so the compiled apps find them. */
export const MIGRATIONS = [
  Extensions1780000000000,
  Outbox1795934574865,
  ClinicCapacity1795936925738,
  Audit1795936988200,
  Courses1795937478135,
  Identity1795937613911,
  Clinical1795937880431,
  Messaging1795939143140,
  FollowUps1796000001000,
  Waitlist1796000002000,
  CapacityVersion1796000003000,
  BookingCancelled1796000004000,
  RangeIndexes1796000005000,
  CapacityBumpOnce1796000006000,
  SessionRevocation1796000007000,
  TenantLedgers1796000008000,
  LoginThrottle1796000009000,
  RemsCertifiedExplicit1796000010000,
  MessagesEnd1796000011000,
  SetupReconcile1796000012000,
  SmallerHoles1796000013000,
  PatientSearch1796000014000,
];
