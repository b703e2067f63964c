import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Clinic } from './clinic.entity';

export type ShiftRole = 'nurse' | 'clinician';

/**
 * A staff member on duty over [starts_at, ends_at). Nurses bound patients in chairs and start
 * stagger; a clinician shift is one prescriber who can run one consult at a time.
 */
@Entity('staff_shift')
@Index('staff_shift_clinic_idx', ['clinicId', 'startsAt'])
// GiST on (clinic_id, tstzrange(starts_at, ends_at)): capacity loads find the rows overlapping
// their time ranges with it. Written in migration RangeIndexes (TypeORM declares no GiST).
@Index('staff_shift_clinic_time_idx', { synchronize: false })
@Check('staff_shift_role', "role IN ('nurse', 'clinician')")
@Check('staff_shift_range', "ends_at > starts_at AND ends_at - starts_at <= interval '24 hours'")
export class StaffShift {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  clinicId!: string;

  @ManyToOne(() => Clinic, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'clinic_id' })
  clinic?: Clinic;

  @Column({ type: 'text' })
  role!: ShiftRole;

  @Column({ type: 'timestamptz' })
  startsAt!: Date;

  @Column({ type: 'timestamptz' })
  endsAt!: Date;

  /** Staff display name (not patient data). */
  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
