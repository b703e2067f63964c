import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Clinic } from './clinic.entity';

/**
 * A counter of changes to what a clinic can offer. Never written by the application: deferred
 * triggers (migration CapacityVersion1796000003000) bump it when a transaction that changed hours,
 * closures, chairs, blocks, shifts, clinic settings or appointments commits, so a cached
 * availability answer stamped with an older version is never served again.
 */
@Entity('clinic_capacity_version')
export class ClinicCapacityVersion {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_clinic_capacity_version' })
  clinicId!: string;

  @ManyToOne(() => Clinic, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'clinic_id', foreignKeyConstraintName: 'clinic_capacity_version_clinic_fk' })
  clinic?: Clinic;

  /** bigint: node-postgres hands it back as a string. */
  @Column({ type: 'bigint', default: 0 })
  version!: string;
}
