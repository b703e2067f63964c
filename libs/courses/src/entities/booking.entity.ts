import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Clinic } from '@chairtime/scheduling/entities';
import { Course } from './course.entity';
import { IdempotencyKey } from './idempotency-key.entity';

/** `cancelled`: the course was cancelled after the series was booked. */
export type BookingStatus = 'held' | 'booked' | 'released' | 'expired' | 'cancelled';

/**
 * One atomic series booking of a course: all its visits were placed in one transaction. A hold
 * blocks the chairs until `hold_expires_at`; expiry is judged by comparing with the clock in SQL,
 * so a hold is free the moment it expires whether or not the expiry job has run.
 */
@Entity('booking')
@Index('booking_course_idx', ['courseId'])
@Index('booking_hold_expiry_idx', ['holdExpiresAt'], { where: "status = 'held'" })
@Check('booking_status', "status IN ('held', 'booked', 'released', 'expired', 'cancelled')")
@Check('booking_hold', "status <> 'held' OR hold_expires_at IS NOT NULL")
export class Booking {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  clinicId!: string;

  @ManyToOne(() => Clinic)
  @JoinColumn({ name: 'clinic_id' })
  clinic?: Clinic;

  @Column({ type: 'uuid' })
  courseId!: string;

  @ManyToOne(() => Course)
  @JoinColumn({ name: 'course_id' })
  course?: Course;

  @Column({ type: 'text' })
  status!: BookingStatus;

  @Column({ type: 'timestamptz', nullable: true })
  holdExpiresAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  idempotencyKeyId!: string | null;

  @ManyToOne(() => IdempotencyKey, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'idempotency_key_id' })
  idempotencyKey?: IdempotencyKey;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
