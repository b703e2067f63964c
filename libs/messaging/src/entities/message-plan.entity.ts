import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { MessagePlanEntry } from '@chairtime/domain';

/** A clinic's reminder/follow-up plan. No row = DEFAULT_MESSAGE_PLAN. */
@Entity('message_plan')
export class MessagePlan {
  @PrimaryColumn({ type: 'uuid' })
  clinicId!: string;

  @Column({ type: 'jsonb' })
  entries!: MessagePlanEntry[];

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
