import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Exclusion,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { AppointmentStatus } from '@chairtime/domain';
import { Clinic } from './clinic.entity';
import { Chair } from './chair.entity';
import { StaffShift } from './staff-shift.entity';
import { VisitKind } from './visit-kind.entity';

const ACTIVE = "status IN ('held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged')";

export type RideStatus = 'unconfirmed' | 'confirmed' | 'rideshare' | 'needs-help' | 'not-required';

/**
 * One visit. Its chair time `[starts_at, chair_released_at)` and the patient's presence
 * `[starts_at, ends_at)` are stored as ranges so that the database itself refuses a double
 * booking: the exclusion constraints below hold across every process and every code path,
 * whatever the application checked before inserting. An expired hold is swept (set cancelled)
 * by the booking transaction before it inserts, under its clinic-time locks.
 */
@Entity('appointment')
@Index('appointment_clinic_start_idx', ['clinicId', 'startsAt'])
@Index('appointment_patient_start_idx', ['patientId', 'startsAt'])
@Index('appointment_course_idx', ['courseId', 'sequence'])
@Index('appointment_hold_expiry_idx', ['holdExpiresAt'], { where: "status = 'held'" })
// GiST on (clinic_id, chair_time) for active visits: capacity loads find the visits overlapping
// their time ranges with it. Written in migration RangeIndexes (TypeORM declares no GiST).
@Index('appointment_clinic_chair_time_idx', { synchronize: false })
@Check(
  'appointment_status',
  "status IN ('held', 'booked', 'checked-in', 'vitals-hold', 'in-treatment', 'discharged', 'cancelled', 'no-show')",
)
@Check('appointment_times', 'starts_at < ends_at AND ends_at <= chair_released_at')
@Check('appointment_chair_time', "chair_time = tstzrange(starts_at, chair_released_at, '[)')")
@Check('appointment_visit_time', "visit_time = tstzrange(starts_at, ends_at, '[)')")
@Check('appointment_hold', "status <> 'held' OR hold_expires_at IS NOT NULL")
@Check('appointment_ride_status', "ride_status IN ('unconfirmed', 'confirmed', 'rideshare', 'needs-help', 'not-required')")
@Exclusion('appointment_chair_no_overlap', `USING gist (chair_id WITH =, chair_time WITH &&) WHERE (chair_id IS NOT NULL AND ${ACTIVE})`)
@Exclusion('appointment_patient_no_overlap', `USING gist (patient_id WITH =, visit_time WITH &&) WHERE (${ACTIVE})`)
@Exclusion(
  'appointment_clinician_no_overlap',
  `USING gist (clinician_shift_id WITH =, visit_time WITH &&) WHERE (clinician_shift_id IS NOT NULL AND ${ACTIVE})`,
)
export class Appointment {
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

  /** The course this visit belongs to; null for single visits (consults, ad-hoc). */
  @Column({ type: 'uuid', nullable: true })
  courseId!: string | null;

  @ManyToOne('Course')
  @JoinColumn({ name: 'course_id' })
  course?: unknown;

  /** The booking (series) that created it; holds are confirmed or released per booking. */
  @Column({ type: 'uuid', nullable: true })
  bookingId!: string | null;

  @ManyToOne('Booking')
  @JoinColumn({ name: 'booking_id' })
  booking?: unknown;

  @Column({ type: 'integer', nullable: true })
  sequence!: number | null;

  @Column({ type: 'text' })
  kind!: string;

  @ManyToOne(() => VisitKind)
  @JoinColumn({ name: 'kind' })
  visitKind?: VisitKind;

  @Column({ type: 'uuid', nullable: true })
  chairId!: string | null;

  @ManyToOne(() => Chair)
  @JoinColumn({ name: 'chair_id' })
  chair?: Chair;

  /** The clinician (shift) running a consult. */
  @Column({ type: 'uuid', nullable: true })
  clinicianShiftId!: string | null;

  // SET NULL: a future shift deleted with a consult on it leaves the consult needing rebooking.
  @ManyToOne(() => StaffShift, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'clinician_shift_id' })
  clinicianShift?: StaffShift;

  @Column({ type: 'timestamptz' })
  startsAt!: Date;

  /** When the patient may leave: prep + treatment + minimum recovery. */
  @Column({ type: 'timestamptz' })
  endsAt!: Date;

  /** endsAt + turnover: the chair is free again. */
  @Column({ type: 'timestamptz' })
  chairReleasedAt!: Date;

  @Column({ type: 'tstzrange' })
  chairTime!: string;

  @Column({ type: 'tstzrange' })
  visitTime!: string;

  @Column({ type: 'text' })
  status!: AppointmentStatus;

  @Column({ type: 'timestamptz', nullable: true })
  holdExpiresAt!: Date | null;

  /** Bumped by every move or cancel: delayed jobs carry it and skip when it changed. */
  @VersionColumn({ type: 'integer', default: 1 })
  version!: number;

  @Column({ type: 'text', default: 'unconfirmed' })
  rideStatus!: RideStatus;

  @Column({ type: 'text', nullable: true })
  rideDriverName!: string | null;

  @Column({ type: 'text', nullable: true })
  rideDriverPhone!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  flags!: string[];

  @Column({ type: 'timestamptz', nullable: true })
  checkedInAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  dischargedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  rideHandoffName!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  cancelledAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  cancelReason!: string | null;

  /** User who booked it (staff or the patient's own user). */
  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
