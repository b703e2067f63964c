import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Clinic } from './clinic.entity';

@Entity('chair')
@Index('chair_clinic_name_uq', ['clinicId', 'name'], { unique: true })
@Check('chair_name_not_blank', 'length(btrim(name)) > 0')
export class Chair {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  clinicId!: string;

  @ManyToOne(() => Clinic, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'clinic_id' })
  clinic?: Clinic;

  @Column({ type: 'text' })
  name!: string;

  /** Visit kinds the chair can host: 'iv-infusion', 'im-injection', 'spravato', 'lozenge'. */
  @Column({ type: 'text', array: true })
  capabilities!: string[];

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
