import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A patient's answer to a check-in message, given through its one-tap link. One per message (a
 * unique index, besides the link's single use). A PHQ-9 answer is stored as an assessment and
 * linked here; a wellbeing answer (feeling, side effects, the safety question) is stored here.
 * Answers are PHI: they never go into logs or job payloads.
 */
@Entity('check_in_answer')
@Index('check_in_answer_message_key', ['messageId'], { unique: true })
@Index('check_in_answer_patient_idx', ['patientId', 'answeredAt'])
@Check('check_in_answer_feeling', 'feeling BETWEEN 0 AND 10')
@Check('check_in_answer_form', 'assessment_id IS NOT NULL OR (feeling IS NOT NULL AND suicidal_thoughts IS NOT NULL)')
export class CheckInAnswer {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  clinicId!: string;

  @Column({ type: 'uuid' })
  patientId!: string;

  @Column({ type: 'uuid' })
  appointmentId!: string;

  /** The check-in message answered. */
  @Column({ type: 'uuid' })
  messageId!: string;

  /** The check-in's message kind. */
  @Column({ type: 'text' })
  kind!: string;

  /** PHQ-9 check-ins: the assessment the answers became. */
  @Column({ type: 'uuid', nullable: true })
  assessmentId!: string | null;

  /** 0 (very bad) – 10 (very well). */
  @Column({ type: 'integer', nullable: true })
  feeling!: number | null;

  @Column({ type: 'text', array: true, nullable: true })
  sideEffects!: string[] | null;

  @Column({ type: 'boolean', nullable: true })
  suicidalThoughts!: boolean | null;

  @Column({ type: 'timestamptz' })
  answeredAt!: Date;
}
