import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Clinic } from './clinic.entity';

/** One weekly opening interval (local wall times); a weekday may have several. */
@Entity('opening_hours')
@Index('opening_hours_clinic_idx', ['clinicId', 'weekday'])
@Check('opening_hours_weekday', 'weekday BETWEEN 1 AND 7')
@Check(
  'opening_hours_times',
  "opens ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$' AND closes ~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$' AND closes > opens",
)
export class OpeningHours {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  clinicId!: string;

  @ManyToOne(() => Clinic, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'clinic_id' })
  clinic?: Clinic;

  @Column({ type: 'smallint' })
  weekday!: number;

  @Column({ type: 'text' })
  opens!: string;

  @Column({ type: 'text' })
  closes!: string;
}
