import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What a visit of a kind needs, as data (seeded by migration from DOMAIN.md). Prep and turnover
 * come from the clinic's settings for chair kinds; treatment and recovery from here.
 */
@Entity('visit_kind')
@Check('visit_kind_minutes', 'treatment_minutes > 0 AND recovery_minutes >= 0')
export class VisitKind {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'boolean' })
  needsChair!: boolean;

  @Column({ type: 'boolean' })
  needsClinician!: boolean;

  /** Chair capability required, usually the kind's own key; null for consults. */
  @Column({ type: 'text', nullable: true })
  capability!: string | null;

  @Column({ type: 'integer' })
  treatmentMinutes!: number;

  @Column({ type: 'integer' })
  recoveryMinutes!: number;

  @Column({ type: 'boolean' })
  rideRequired!: boolean;
}
