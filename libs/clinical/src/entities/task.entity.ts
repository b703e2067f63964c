import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Clinic } from '@chairtime/scheduling/entities';
import { Patient } from './patient.entity';

/** Kinds of work item the product raises (others may add kinds: the column is free text). */
export type TaskKind =
  | 'ride-unconfirmed'
  | 'vitals-hold'
  | 'safety-escalation'
  | 'no-show'
  | 'rems-form-due'
  | 'intoxicated'
  | 'screening-review'
  | 'needs-rebooking'
  | (string & {});

export type TaskStatus = 'open' | 'acknowledged' | 'resolved';

export type TaskPriority = 'normal' | 'high' | 'urgent';

/** Staff role a task is addressed to (there are no per-person assignments). */
export type TaskAssignee = 'clinician' | 'nurse' | 'scheduler';

/**
 * A work item for a clinic's staff. The partial unique index keeps one unresolved task per
 * (kind, appointment): a retried job or a double click cannot raise the same alert twice, and a
 * resolved one can be raised again if the situation recurs.
 */
@Entity('task')
@Index('task_clinic_status_idx', ['clinicId', 'status', 'createdAt'])
@Index('task_open_per_appointment', ['kind', 'appointmentId'], {
  unique: true,
  where: "appointment_id IS NOT NULL AND status IN ('open', 'acknowledged')",
})
@Check('task_status', "status IN ('open', 'acknowledged', 'resolved')")
@Check('task_priority', "priority IN ('normal', 'high', 'urgent')")
export class Task {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  clinicId!: string;

  @ManyToOne(() => Clinic)
  @JoinColumn({ name: 'clinic_id' })
  clinic?: Clinic;

  @Column({ type: 'text' })
  kind!: TaskKind;

  @Column({ type: 'uuid', nullable: true })
  appointmentId!: string | null;

  @ManyToOne('Appointment')
  @JoinColumn({ name: 'appointment_id' })
  appointment?: unknown;

  @Column({ type: 'uuid' })
  patientId!: string;

  @ManyToOne(() => Patient)
  @JoinColumn({ name: 'patient_id' })
  patient?: Patient;

  @Column({ type: 'text', default: 'open' })
  status!: TaskStatus;

  @Column({ type: 'text', default: 'normal' })
  priority!: TaskPriority;

  @Column({ type: 'text', nullable: true })
  assigneeRole!: TaskAssignee | null;

  /** For deadline tasks (the REMS form): when it is due. */
  @Column({ type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  /** Set from the injected clock, so tests and ordering agree with the rest of the day's events. */
  @Column({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  acknowledgedBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  resolvedBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;
}
