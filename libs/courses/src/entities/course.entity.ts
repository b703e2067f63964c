import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { CourseStatus } from '@chairtime/domain';
import { Clinic } from '@chairtime/scheduling/entities';
import { ProtocolEntity } from './protocol.entity';

/** One patient's treatment course, following one version of a protocol. Status moves through `courseMachine`. */
@Entity('course')
@Index('course_clinic_patient_idx', ['clinicId', 'patientId'])
@Check('course_status', "status IN ('draft', 'booked', 'completed', 'cancelled')")
export class Course {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  clinicId!: string;

  @ManyToOne(() => Clinic)
  @JoinColumn({ name: 'clinic_id' })
  clinic?: Clinic;

  @Column({ type: 'uuid' })
  patientId!: string;

  @ManyToOne('Patient')
  @JoinColumn({ name: 'patient_id' })
  patient?: unknown;

  @Column({ type: 'text' })
  protocolKey!: string;

  @Column({ type: 'integer' })
  protocolVersion!: number;

  @ManyToOne(() => ProtocolEntity)
  @JoinColumn([
    { name: 'protocol_key', referencedColumnName: 'key' },
    { name: 'protocol_version', referencedColumnName: 'version' },
  ])
  protocol?: ProtocolEntity;

  @Column({ type: 'text' })
  status!: CourseStatus;

  /** Repeat protocols (boosters) measure their first visit from this instant: the last induction visit. */
  @Column({ type: 'timestamptz', nullable: true })
  anchorAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
