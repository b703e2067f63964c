import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Lifecycle of one planned patient message. */
export type MessageStatus = 'scheduled' | 'sent' | 'skipped' | 'superseded' | 'failed';

/**
 * One planned patient message. The row (not the BullMQ job) is the record: the send handler
 * re-reads it and the appointment and only sends when both still match what was planned.
 */
@Entity('message')
@Index('message_appointment_idx', ['appointmentId'])
@Index('message_pending_idx', ['sendAt'], { where: "status = 'scheduled'" })
@Index('message_course_end_idx', ['courseId'], { where: "anchor = 'course-end'" })
@Check('message_status', "status IN ('scheduled', 'sent', 'skipped', 'superseded', 'failed')")
export class Message {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  clinicId!: string;

  @Column({ type: 'uuid' })
  patientId!: string;

  @Column({ type: 'uuid', nullable: true })
  appointmentId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  courseId!: string | null;

  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  channel!: string;

  @Column({ type: 'text' })
  anchor!: string;

  @Column({ type: 'text' })
  offset!: string;

  @Column({ type: 'timestamptz' })
  plannedAt!: Date;

  @Column({ type: 'timestamptz' })
  sendAt!: Date;

  @Column({ type: 'text' })
  status!: MessageStatus;

  @Column({ type: 'text', nullable: true })
  skipReason!: string | null;

  /** The appointment version the message was planned for; a newer version supersedes it. */
  @Column({ type: 'integer', nullable: true })
  appointmentVersion!: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'text', nullable: true })
  providerId!: string | null;

  /** What the log channel "sent": the SMS-safe body only (clinic, date, time, link). */
  @Column({ type: 'text', nullable: true })
  renderedBody!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
