import { EntityManager } from 'typeorm';
import { AuditService } from '@chairtime/audit';
import { Principal } from '@chairtime/identity';

/** Who changes a clinic's set-up: the caller and the request, for the audit row. */
export interface SetupActor {
  principal: Principal;
  requestId: string | null;
}

/** A set-up change to record: what was done, to which resource of which clinic. */
export interface SetupChange {
  action: string;
  resourceType: 'clinic' | 'opening-hours' | 'closure' | 'chair' | 'chair-block' | 'staff-shift';
  resourceId: string;
  clinicId: string;
  /** Names of changed fields or a count; never free text typed by a user. */
  detail?: string;
}

/**
 * Writes the audit row of a clinic set-up change in the change's own transaction, so the row
 * exists exactly when the change does (HIPAA audit controls cover who changed capacity).
 */
export function recordSetupChange(audit: AuditService, em: EntityManager, actor: SetupActor, change: SetupChange): Promise<void> {
  return audit.record(
    {
      actorId: actor.principal.userId,
      actorRole: actor.principal.role,
      action: change.action,
      resourceType: change.resourceType,
      resourceId: change.resourceId,
      clinicId: change.clinicId,
      requestId: actor.requestId,
      outcome: 'success',
      detail: change.detail ?? null,
    },
    em,
  );
}
