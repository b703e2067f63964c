import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { ProtocolRules } from '@chairtime/domain';

/**
 * A versioned course template stored as data (DOMAIN.md "Protocols"). Rows are immutable: a new
 * version is a new row, so a booked course keeps validating against the version it was planned with.
 */
@Entity('protocol')
export class ProtocolEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  visitKind!: string;

  @Column({ type: 'jsonb' })
  rules!: ProtocolRules;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
