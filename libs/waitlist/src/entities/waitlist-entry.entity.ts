import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Clinic } from '@chairtime/scheduling/entities';
import { Course } from '@chairtime/courses/entities';

/** `waiting` → `offered` (an offer is open) → `fulfilled` (claimed), or back to `waiting`; `withdrawn` ends it. */
export type WaitlistEntryStatus = 'waiting' | 'offered' | 'fulfilled' | 'withdrawn';

/** Statuses in which an entry is still in line (at most one per course, enforced in SQL). */
export const ACTIVE_ENTRY_STATUSES: readonly WaitlistEntryStatus[] = ['waiting', 'offered'];

/**
 * A patient waiting for sooner chair time for a course, within `[earliest, latest]`. Waiting order
 * is `(created_at, id)`: first come, first offered.
 */
@Entity('waitlist_entry')
@Index('waitlist_entry_active_course_uq', ['courseId'], { unique: true, where: "status IN ('waiting', 'offered')" })
@Index('waitlist_entry_fit_idx', ['clinicId', 'earliest', 'createdAt'], { where: "status = 'waiting'" })
@Index('waitlist_entry_clinic_order_idx', ['clinicId', 'createdAt', 'id'])
@Index('waitlist_entry_patient_idx', ['patientId'])
@Check('waitlist_entry_status', "status IN ('waiting', 'offered', 'fulfilled', 'withdrawn')")
@Check('waitlist_entry_window', 'earliest < latest')
export class WaitlistEntry {
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

  @Column({ type: 'uuid' })
  courseId!: string;

  @ManyToOne(() => Course)
  @JoinColumn({ name: 'course_id' })
  course?: Course;

  @Column({ type: 'timestamptz' })
  earliest!: Date;

  @Column({ type: 'timestamptz' })
  latest!: Date;

  @Column({ type: 'text' })
  status!: WaitlistEntryStatus;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  /** Millisecond precision: the waiting order and the list cursor round-trip through JS dates exactly. */
  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
