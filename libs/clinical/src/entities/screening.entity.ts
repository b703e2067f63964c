import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ScreeningInput } from '@chairtime/domain';
import { Clinic } from '@chairtime/scheduling/entities';
import { Patient } from './patient.entity';

/** Status of an intake screening: the rule engine's verdict, then the clinician's decision. */
export type ScreeningStatus = 'pending-review' | 'ineligible' | 'approved' | 'declined';

/**
 * One intake screening. `inputs` keeps what was answered (PHI: never logged); the derived codes
 * are stored as arrays so the course gate and the clinician's list read them without re-scoring.
 */
@Entity('screening')
@Index('screening_patient_idx', ['patientId', 'createdAt'])
@Index('screening_queue_idx', ['clinicId', 'status', 'createdAt', 'id'])
@Check('screening_status', "status IN ('pending-review', 'ineligible', 'approved', 'declined')")
export class Screening {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  clinicId!: string;

  @ManyToOne(() => Clinic)
  @JoinColumn({ name: 'clinic_id' })
  clinic?: Clinic;

  @Column({ type: 'uuid' })
  patientId!: string;

  @ManyToOne(() => Patient)
  @JoinColumn({ name: 'patient_id' })
  patient?: Patient;

  @Column({ type: 'jsonb' })
  inputs!: ScreeningInput;

  @Column({ type: 'text' })
  status!: ScreeningStatus;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  contraindications!: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  indications!: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  relativeFlags!: string[];

  @Column({ type: 'integer', nullable: true })
  phq9Baseline!: number | null;

  @Column({ type: 'integer', nullable: true })
  gad7Baseline!: number | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'uuid', nullable: true })
  decidedBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  decisionNote!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
