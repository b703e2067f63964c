import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { VitalsPhase } from '@chairtime/domain';

/** One set of vitals taken at a visit. `accepted` is the verdict of a `pre` reading (null otherwise). */
@Entity('vitals_reading')
@Index('vitals_reading_appointment_idx', ['appointmentId', 'takenAt'])
@Check('vitals_reading_phase', "phase IN ('pre', 'during', 'post')")
export class RecordedVitals {
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
  phase!: VitalsPhase;

  @Column({ type: 'integer' })
  systolic!: number;

  @Column({ type: 'integer' })
  diastolic!: number;

  @Column({ type: 'integer' })
  heartRate!: number;

  @Column({ type: 'integer' })
  spo2!: number;

  @Column({ type: 'boolean', nullable: true })
  accepted!: boolean | null;

  @Column({ type: 'timestamptz' })
  takenAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  recordedBy!: string | null;
}
