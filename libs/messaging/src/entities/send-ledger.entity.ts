import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * The final guard against a double send: one row per (appointment|patient, kind, planned_at,
 * appointment_version), written BEFORE the provider call. Its key is also the provider's
 * idempotency token, so a retry after a crash mid-call is deduplicated by the provider too.
 */
@Entity('send_ledger')
export class SendLedger {
  /** The message's clinic: the ledger is tenant data, keyed within its clinic (docs/scaling.md). */
  @PrimaryColumn({ type: 'uuid' })
  clinicId!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'uuid' })
  messageId!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
