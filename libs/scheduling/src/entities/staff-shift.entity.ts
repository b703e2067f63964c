import { Check, Column, CreateDateColumn, Entity, Exclusion, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
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
// One person cannot be on two shifts at once, whatever path wrote them (a nurse entered twice
// would count twice towards the nurse ratio).
@Exclusion(
  'staff_shift_user_no_overlap',
  "USING gist (user_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (user_id IS NOT NULL)",
)
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

  /** The staff user on this shift (a user of the clinic with the shift's role), when named. */
  @Column({ type: 'uuid', nullable: true })
  userId!: string | null;

  // By name: identity's entities import this library's, so a class reference would be circular.
  @ManyToOne('AppUser', { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id' })
  user?: { id: string };

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
