import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/** The Spravato REMS Patient Monitoring Form of one session (one per appointment). */
@Entity('rems_monitoring_form')
@Index('rems_monitoring_form_appointment', ['appointmentId'], { unique: true })
export class RemsMonitoringForm {
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

  @Column({ type: 'integer' })
  doseMg!: number;

  @Column({ type: 'integer' })
  devices!: number;

  @Column({ type: 'text' })
  lotNumber!: string;

  @Column({ type: 'timestamptz' })
  firstDeviceAt!: Date;

  @Column({ type: 'timestamptz' })
  monitoringEndedAt!: Date;

  @Column({ type: 'boolean' })
  sedation!: boolean;

  @Column({ type: 'boolean' })
  dissociation!: boolean;

  @Column({ type: 'timestamptz' })
  filedAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  filedBy!: string | null;
}
