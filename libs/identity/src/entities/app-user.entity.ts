import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Patient } from '@chairtime/clinical/entities';

/** The five roles, as stored (mirrors `Role` in access.decorators without importing Nest here). */
export type UserRole = 'admin' | 'scheduler' | 'nurse' | 'clinician' | 'patient';

/**
 * Someone who signs in. Emails are unique case-insensitively (a unique index on lower(email),
 * written in the migration: citext is not installed). A patient user is tied to exactly one
 * patient record, and only patient users are.
 */
@Entity('app_user')
@Check('app_user_role', "role IN ('admin', 'scheduler', 'nurse', 'clinician', 'patient')")
@Check('app_user_patient_link', "(role = 'patient') = (patient_id IS NOT NULL)")
@Index('app_user_patient_idx', ['patientId'])
export class AppUser {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Stored as given (trimmed); compared through lower(). PHI for patient users: never logged. */
  @Column({ type: 'text' })
  email!: string;

  /** argon2id encoded hash (parameters and salt inside). */
  @Column({ type: 'text' })
  passwordHash!: string;

  @Column({ type: 'text' })
  role!: UserRole;

  @Column({ type: 'uuid', nullable: true })
  patientId!: string | null;

  @ManyToOne(() => Patient, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'patient_id' })
  patient?: Patient;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
