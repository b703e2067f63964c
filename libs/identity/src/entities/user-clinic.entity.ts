import { Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Clinic } from '@chairtime/scheduling/entities';
import { AppUser } from './app-user.entity';

/** The clinics a user works in (staff) or is a patient of: the tenant scope of their tokens. */
@Entity('user_clinic')
@Index('user_clinic_clinic_idx', ['clinicId'])
export class UserClinic {
  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ type: 'uuid' })
  clinicId!: string;

  @ManyToOne(() => AppUser, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: AppUser;

  @ManyToOne(() => Clinic, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'clinic_id' })
  clinic?: Clinic;
}
