import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Chair } from './chair.entity';

/** A chair out of service (maintenance) over [starts_at, ends_at). */
@Entity('chair_block')
@Index('chair_block_clinic_idx', ['clinicId', 'startsAt'])
@Index('chair_block_chair_idx', ['chairId', 'startsAt'])
// GiST on (clinic_id, tstzrange(starts_at, ends_at)): capacity loads find the rows overlapping
// their time ranges with it. Written in migration RangeIndexes (TypeORM declares no GiST).
@Index('chair_block_clinic_time_idx', { synchronize: false })
@Check('chair_block_range', 'ends_at > starts_at')
export class ChairBlock {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  clinicId!: string;

  @Column({ type: 'uuid' })
  chairId!: string;

  @ManyToOne(() => Chair, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chair_id' })
  chair?: Chair;

  @Column({ type: 'timestamptz' })
  startsAt!: Date;

  @Column({ type: 'timestamptz' })
  endsAt!: Date;

  @Column({ type: 'text' })
  reason!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
