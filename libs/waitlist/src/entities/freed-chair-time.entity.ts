import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Chair, Clinic } from '@chairtime/scheduling/entities';

/** `open` until a claim takes it (`claimed`) or every offer lapsed or lost the chair (`lapsed`). */
export type FreedChairTimeStatus = 'open' | 'claimed' | 'lapsed';

/**
 * Chair time a change gave back (cancel, move away, released or expired hold), written in the
 * transaction of that change. Its row is also the lock a claim takes, so claims of one freed time
 * run one at a time and exactly one can win.
 */
@Entity('freed_chair_time')
@Index('freed_chair_time_clinic_start_idx', ['clinicId', 'startsAt'])
@Check('freed_chair_time_status', "status IN ('open', 'claimed', 'lapsed')")
export class FreedChairTime {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  clinicId!: string;

  @ManyToOne(() => Clinic)
  @JoinColumn({ name: 'clinic_id' })
  clinic?: Clinic;

  @Column({ type: 'uuid' })
  chairId!: string;

  @ManyToOne(() => Chair)
  @JoinColumn({ name: 'chair_id' })
  chair?: Chair;

  /** The start that was freed: offers propose exactly this start on this chair. */
  @Column({ type: 'timestamptz' })
  startsAt!: Date;

  /** The visit whose change freed it (for the audit trail; no foreign key, visits are never deleted). */
  @Column({ type: 'uuid' })
  sourceAppointmentId!: string;

  @Column({ type: 'text' })
  status!: FreedChairTimeStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
