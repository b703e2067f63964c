import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Lifecycle of one planned patient message: `scheduled`, then `sending` while a claimed provider
 * call is under way (a supersede leaves it alone: the record must say what the patient got), then
 * one of the terminal statuses — `sent`, `skipped`, `superseded`, `failed` or `expired`.
 */
export type MessageStatus = 'scheduled' | 'sending' | 'sent' | 'skipped' | 'superseded' | 'failed' | 'expired';

/** Statuses a message never leaves. */
export const TERMINAL_MESSAGE_STATUSES: readonly MessageStatus[] = ['sent', 'skipped', 'superseded', 'failed', 'expired'];

/**
 * One planned patient message. The row (not the BullMQ job) is the record: the send handler
 * re-reads it and the appointment and only sends when both still match what was planned.
 */
@Entity('message')
@Index('message_appointment_idx', ['appointmentId'])
@Index('message_pending_idx', ['sendAt'], { where: "status = 'scheduled'" })
@Index('message_course_end_idx', ['courseId'], { where: "anchor = 'course-end'" })
@Index('message_open_not_after_idx', ['notAfter'], { where: "status IN ('scheduled', 'sending')" })
@Check('message_status', "status IN ('scheduled', 'sending', 'sent', 'skipped', 'superseded', 'failed', 'expired')")
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

  /** Never sent at or after this instant (libs/domain `messageNotAfter`); the sweep expires it then. */
  @Column({ type: 'timestamptz' })
  notAfter!: Date;

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

  /** When a send claimed it (`sending`): a claim older than the send lease was left by a dead attempt. */
  @Column({ type: 'timestamptz', nullable: true })
  claimedAt!: Date | null;

  /** Why a send failed, expired or is unconfirmed: a code and a provider status, no provider text (it can echo the recipient). */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** What the log channel "sent": the SMS-safe body only (clinic, date, time, link). */
  @Column({ type: 'text', nullable: true })
  renderedBody!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
