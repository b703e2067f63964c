import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Clinic } from '@chairtime/scheduling/entities';
import { Patient } from './patient.entity';

/** Where an assessment came from (screening baseline, staff entry, the patient, a check-in message). */
export type AssessmentSource = 'screening' | 'staff' | 'patient' | 'check-in';

/** One scored PHQ-9 or GAD-7. Answers and scores are PHI. */
@Entity('assessment')
@Index('assessment_patient_idx', ['patientId', 'instrument', 'takenAt'])
@Check('assessment_instrument', "instrument IN ('PHQ-9', 'GAD-7')")
export class Assessment {
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

  @Column({ type: 'text' })
  instrument!: 'PHQ-9' | 'GAD-7';

  @Column({ type: 'integer', array: true })
  answers!: number[];

  @Column({ type: 'integer' })
  score!: number;

  @Column({ type: 'text' })
  severity!: string;

  @Column({ type: 'boolean', default: false })
  item9Positive!: boolean;

  /** The outcome rules flagged a relapse: the next booster should come earlier. */
  @Column({ type: 'boolean', default: false })
  relapseSignal!: boolean;

  @Column({ type: 'text' })
  source!: AssessmentSource;

  @Column({ type: 'uuid', nullable: true })
  screeningId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'timestamptz' })
  takenAt!: Date;
}
