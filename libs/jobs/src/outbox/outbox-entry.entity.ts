import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The transactional outbox: a job (or a job removal) written in the same transaction as the
 * change that calls for it. The worker relays rows to BullMQ; a row stays the durable record of
 * its job until the handler marks it done, so a flushed Redis can be rebuilt from here.
 */
@Entity('outbox_entry')
@Index('outbox_entry_pending_idx', ['id'], { where: 'relayed_at IS NULL' })
@Index('outbox_entry_open_idx', ['runAt'], { where: 'done_at IS NULL' })
@Index('outbox_entry_job_idx', ['jobId'])
// Byte-wise (COLLATE "C") job-id prefix ranges of open jobs: see migration 1796000013000.
@Index('outbox_entry_open_job_idx', { synchronize: false })
@Index('outbox_entry_open_relayed_idx', ['relayedAt', 'id'], { where: "op = 'add' AND done_at IS NULL AND relayed_at IS NOT NULL" })
export class OutboxEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** Tenant of the change; null for system-wide work. */
  @Column({ type: 'uuid', nullable: true })
  clinicId!: string | null;

  @Column({ type: 'text' })
  op!: 'add' | 'remove';

  @Column({ type: 'text' })
  queue!: string;

  @Column({ type: 'text' })
  jobName!: string;

  @Column({ type: 'text' })
  jobId!: string;

  /** Ids only. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  payload!: Record<string, unknown>;

  @Column({ type: 'timestamptz', nullable: true })
  runAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  relayedAt!: Date | null;

  /** Set when the job's handler finished (or the job was superseded): nothing left to rebuild. */
  @Column({ type: 'timestamptz', nullable: true })
  doneAt!: Date | null;
}
