import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Clinic } from '@chairtime/scheduling/entities';

export interface ChannelConsent {
  sms: boolean;
  email: boolean;
}

export interface RideContact {
  name: string;
  phone: string;
  relationship?: string;
}

/**
 * A patient of one clinic. Every personal field here is PHI: it never reaches logs, job payloads,
 * metrics labels or error bodies.
 */
@Entity('patient')
@Index('patient_clinic_idx', ['clinicId', 'familyName'])
// Expression indexes of patient search (migration PatientSearch): TypeORM does not model them.
@Index('patient_search_family_idx', { synchronize: false })
@Index('patient_search_given_idx', { synchronize: false })
@Index('patient_search_email_idx', { synchronize: false })
@Index('patient_search_phone_idx', { synchronize: false })
@Check('patient_contact_preference', "contact_preference IN ('sms', 'email')")
export class Patient {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  clinicId!: string;

  @ManyToOne(() => Clinic)
  @JoinColumn({ name: 'clinic_id' })
  clinic?: Clinic;

  @Column({ type: 'text' })
  givenName!: string;

  @Column({ type: 'text' })
  familyName!: string;

  @Column({ type: 'date' })
  birthDate!: string;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  /** The patient's own zone for message times; null = the clinic's. */
  @Column({ type: 'text', nullable: true })
  timezone!: string | null;

  @Column({ type: 'text' })
  contactPreference!: 'sms' | 'email';

  @Column({ type: 'jsonb', default: () => `'{"sms": false, "email": false}'` })
  consent!: ChannelConsent;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  rideContacts!: RideContact[];

  /** Spravato REMS patient enrollment. */
  @Column({ type: 'text', nullable: true })
  remsEnrollmentId!: string | null;

  @Column({ type: 'date', nullable: true })
  remsEnrolledOn!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
