import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/** One side effect recorded at a visit (names and severities from libs/domain SIDE_EFFECTS). */
@Entity('side_effect')
@Index('side_effect_appointment_idx', ['appointmentId'])
@Check('side_effect_severity', "severity IN ('mild', 'moderate', 'severe')")
export class SideEffectRecord {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  appointmentId!: string;

  @ManyToOne('Appointment')
  @JoinColumn({ name: 'appointment_id' })
  appointment?: unknown;

  @Column({ type: 'uuid' })
  clinicId!: string;

  @Column({ type: 'uuid' })
  patientId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  severity!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'timestamptz' })
  recordedAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  recordedBy!: string | null;
}
