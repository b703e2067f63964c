import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { AppUser } from './app-user.entity';

/**
 * One refresh token of a rotation family. Only the sha256 of the token is stored, so a database
 * read does not yield usable tokens. Presenting a token that was already rotated (revoked, with
 * `replacedBy` set) means it was stolen or replayed: the whole family is revoked.
 */
@Entity('refresh_token')
@Index('refresh_token_hash_uq', ['tokenHash'], { unique: true })
@Index('refresh_token_family_idx', ['familyId'])
@Index('refresh_token_user_idx', ['userId'])
export class RefreshToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => AppUser, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: AppUser;

  /** Shared by every token descended from one sign-in. */
  @Column({ type: 'uuid' })
  familyId!: string;

  /** Hex sha256 of the opaque token. */
  @Column({ type: 'text' })
  tokenHash!: string;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** The token this one was rotated into; set only by rotation, not by logout or reuse. */
  @Column({ type: 'uuid', nullable: true })
  replacedBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
