import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DEFAULT_MESSAGE_PLAN, MessagePlanEntry, validateMessagePlan } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { Principal, assertClinicScope } from '@chairtime/identity';
import { inTransaction } from '@chairtime/persistence';
import { MessagePlan } from './entities';

/** Reads and replaces a clinic's message plan; a clinic without a row uses DEFAULT_MESSAGE_PLAN. */
@Injectable()
export class MessagePlanService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** The plan in force for a clinic (inside a transaction when `em` is given). */
  async planFor(clinicId: string, em: EntityManager = this.dataSource.manager): Promise<readonly MessagePlanEntry[]> {
    const row = await em.findOne(MessagePlan, { where: { clinicId } });
    return row ? row.entries : DEFAULT_MESSAGE_PLAN;
  }

  /** GET: scope-checked. */
  async get(principal: Principal, clinicId: string): Promise<readonly MessagePlanEntry[]> {
    assertClinicScope(principal, clinicId);
    return this.planFor(clinicId);
  }

  /**
   * PUT: validated by the domain rule first (400 with paths, nothing written), then upserted.
   * Applies to visits planned from now on; already planned messages keep their times.
   */
  async put(principal: Principal, clinicId: string, body: unknown, requestId: string | null): Promise<MessagePlanEntry[]> {
    assertClinicScope(principal, clinicId);
    const entries = validateMessagePlan(body);
    await inTransaction(this.dataSource, async (em) => {
      await em.upsert(MessagePlan, { clinicId, entries }, ['clinicId']);
      await this.audit.record(
        {
          actorId: principal.userId,
          actorRole: principal.role,
          action: 'message-plan.update',
          resourceType: 'message-plan',
          resourceId: clinicId,
          clinicId,
          requestId,
          outcome: 'success',
        },
        em,
      );
    });
    return entries;
  }
}
