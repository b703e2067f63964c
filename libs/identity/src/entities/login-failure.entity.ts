import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Recent failed sign-ins of one throttling key (LoginThrottler): an (account, source) pair —
 * `pair:<sha-256 of the lower-cased email and the source address>`, the same for known and
 * unknown emails — or a source alone (`source:<address>`), which catches spraying across
 * accounts. Holds no email. Rows idle for a day are deleted.
 */
@Entity('login_failure')
@Check('login_failure_failures', 'failures > 0')
@Index('login_failure_last_failed_idx', ['lastFailedAt'])
export class LoginFailure {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  /** Failures counted since `windowStartedAt`. */
  @Column({ type: 'integer' })
  failures!: number;

  @Column({ type: 'timestamptz' })
  windowStartedAt!: Date;

  @Column({ type: 'timestamptz' })
  lastFailedAt!: Date;

  /** No attempt of this key is checked before then (429 with Retry-After). */
  @Column({ type: 'timestamptz' })
  blockedUntil!: Date;
}
