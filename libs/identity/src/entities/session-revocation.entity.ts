import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A signed-out session: its access tokens (which carry the session id as `sid`) are refused from
 * now until `expiresAt`, when the last of them has expired anyway. Every API process reads the
 * unexpired rows every few seconds (SessionRevocations); rows long past `expiresAt` are deleted.
 */
@Entity('session_revocation')
@Index('session_revocation_expires_idx', ['expiresAt'])
export class SessionRevocation {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  /** The refresh-token family of the sign-in (the `sid` of its access tokens). */
  @Column({ type: 'uuid' })
  sessionId!: string;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  revokedAt!: Date;
}
