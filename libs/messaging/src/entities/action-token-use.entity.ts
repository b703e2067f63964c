import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A one-tap action token that was used: tokens are stateless and signed; only their `jti` is stored, once. */
@Entity('action_token_use')
export class ActionTokenUse {
  @PrimaryColumn({ type: 'text' })
  jti!: string;

  @Column({ type: 'text' })
  purpose!: string;

  @Column({ type: 'timestamptz' })
  usedAt!: Date;
}
