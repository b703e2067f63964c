import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AuditOutcome = 'success' | 'denied' | 'not-found' | 'failure';

/**
 * Append-only record of every read and write of patient data and every authorization failure
 * (HIPAA audit controls). The migration revokes UPDATE and DELETE through a trigger; only the
 * retention job may delete rows older than the configured retention.
 */
@Entity('audit_entry')
@Index('audit_entry_at_idx', ['at'])
@Index('audit_entry_clinic_at_idx', ['clinicId', 'at'])
@Index('audit_entry_resource_idx', ['resourceType', 'resourceId'])
@Index('audit_entry_actor_idx', ['actorId', 'at'])
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  /** User id, or null for anonymous callers and the system. */
  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'text' })
  actorRole!: string;

  /** e.g. 'patient.read', 'appointment.book', 'authz.denied'. */
  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text' })
  resourceType!: string;

  @Column({ type: 'text', nullable: true })
  resourceId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  clinicId!: string | null;

  /** The patient whose data was touched, when there is one. */
  @Column({ type: 'uuid', nullable: true })
  patientId!: string | null;

  @Column({ type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'text' })
  outcome!: AuditOutcome;

  /** Method and route template; never bodies or personal data. */
  @Column({ type: 'text', nullable: true })
  detail!: string | null;
}
