import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { WaitlistEntry } from './waitlist-entry.entity';
import { FreedChairTime } from './freed-chair-time.entity';

/** `offered` until claimed, `gone` (another claim won or the chair was taken) or `expired`. */
export type WaitlistOfferStatus = 'offered' | 'claimed' | 'gone' | 'expired';

/**
 * A freed chair time offered to one waiting entry: claiming it moves `appointmentId` (a visit of
 * the entry's course) to the freed start. Expiry is judged against the clock in SQL, so an offer
 * past `expires_at` cannot be claimed whether or not the expiry job has run. At most one offer
 * per freed time is ever `claimed` (a partial unique index).
 */
@Entity('waitlist_offer')
@Index('waitlist_offer_freed_entry_uq', ['freedId', 'entryId'], { unique: true })
@Index('waitlist_offer_one_claim_uq', ['freedId'], { unique: true, where: "status = 'claimed'" })
@Index('waitlist_offer_entry_idx', ['entryId'])
@Index('waitlist_offer_message_idx', ['messageId'])
@Check('waitlist_offer_status', "status IN ('offered', 'claimed', 'gone', 'expired')")
export class WaitlistOffer {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  clinicId!: string;

  @Column({ type: 'uuid' })
  entryId!: string;

  @ManyToOne(() => WaitlistEntry)
  @JoinColumn({ name: 'entry_id' })
  entry?: WaitlistEntry;

  @Column({ type: 'uuid' })
  freedId!: string;

  @ManyToOne(() => FreedChairTime)
  @JoinColumn({ name: 'freed_id' })
  freed?: FreedChairTime;

  @Column({ type: 'uuid' })
  patientId!: string;

  /** The visit of the course that moves to the freed start when the offer is claimed. */
  @Column({ type: 'uuid' })
  appointmentId!: string;

  @Column({ type: 'timestamptz' })
  startsAt!: Date;

  @Column({ type: 'uuid' })
  chairId!: string;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'text' })
  status!: WaitlistOfferStatus;

  /** The `waitlist-offer` message that carries the claim link. */
  @Column({ type: 'uuid', nullable: true })
  messageId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
