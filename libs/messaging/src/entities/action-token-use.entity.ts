import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** A one-tap action token that was used: tokens are stateless and signed; only their `jti` is stored, once. */
// NOT VALID in the migration (TenantLedgers): rows written before the column existed keep a null clinic.
@Check('action_token_use_clinic', 'clinic_id IS NOT NULL')
@Entity('action_token_use')
export class ActionTokenUse {
  @PrimaryColumn({ type: 'text' })
  jti!: string;

  @Column({ type: 'text' })
  purpose!: string;

  @Column({ type: 'timestamptz' })
  usedAt!: Date;

  /**
   * The clinic of the token's visit. Null only on rows written before the column existed (a used
   * token's row never said which visit it was for); a check constraint requires it on every row
   * written since.
   */
  @Column({ type: 'uuid', nullable: true })
  clinicId!: string | null;
}
