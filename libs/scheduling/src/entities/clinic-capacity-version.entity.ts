import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Clinic } from './clinic.entity';

/**
 * A counter of changes to what a clinic can offer, split into shards. Never written by the
 * application: deferred triggers (migration CapacityVersion1796000003000) bump one shard when a
 * transaction that changed hours, closures, chairs, blocks, shifts, clinic settings or
 * appointments commits. The clinic's version is the sum over its shards, which only grows, so a
 * cached availability answer stamped with an older sum is never served again. Shards (picked by
 * the writer's backend) keep concurrent bookings of one clinic from queueing on one row.
 */
@Entity('clinic_capacity_version')
export class ClinicCapacityVersion {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_clinic_capacity_version' })
  clinicId!: string;

  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'PK_clinic_capacity_version' })
  shard!: number;

  @ManyToOne(() => Clinic, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'clinic_id', foreignKeyConstraintName: 'clinic_capacity_version_clinic_fk' })
  clinic?: Clinic;

  /** bigint: node-postgres hands it back as a string. */
  @Column({ type: 'bigint', default: 0 })
  version!: string;
}
