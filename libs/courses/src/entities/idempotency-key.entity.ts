import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The first response to a write made with an `Idempotency-Key` header. The row is inserted first
 * in the booking transaction, so two concurrent requests with one key serialize on the unique
 * index: the loser waits for the winner's commit and replays its stored response.
 */
@Entity('idempotency_key')
@Index('idempotency_key_actor_key_uq', ['actor', 'key'], { unique: true })
@Index('idempotency_key_created_idx', ['createdAt'])
export class IdempotencyKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  clinicId!: string;

  @Column({ type: 'text' })
  key!: string;

  /** The user id of the caller: keys are scoped per actor, never shared across users. */
  @Column({ type: 'text' })
  actor!: string;

  /** sha256 of the route and the canonical JSON body. */
  @Column({ type: 'text' })
  requestHash!: string;

  @Column({ type: 'integer', nullable: true })
  responseStatus!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  responseBody!: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
