import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { Principal, assertPatientScope } from '@chairtime/identity';
import { Appointment } from '@chairtime/scheduling/entities';
import { Message } from './entities';

/** Statuses the API shows (API.md; `expired` added by issue 21): a claimed send under way shows `scheduled`. */
export const MESSAGE_VIEW_STATUSES = ['scheduled', 'sent', 'skipped', 'superseded', 'failed', 'expired'] as const;

/** One message as the API shows it: no body, no PHI. */
export interface MessageView {
  kind: string;
  channel: string;
  sendAt: string;
  status: (typeof MESSAGE_VIEW_STATUSES)[number];
  sentAt?: string;
  notAfter: string;
  error?: string;
}

/** The page size cap of every list endpoint. */
const MAX_LIMIT = 200;

/** Read model of a visit's messages (staff of its clinic or the patient themself). */
@Injectable()
export class AppointmentMessagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Messages of a visit ordered by send time. `cursor` is the offset of the next page (a visit has
   * at most a few dozen messages, so an offset cursor is stable enough).
   */
  async list(
    principal: Principal,
    appointmentId: string,
    page: { limit?: number; cursor?: string },
    requestId: string | null,
  ): Promise<{ items: MessageView[]; nextCursor: string | null }> {
    const appt = await this.dataSource.manager.findOne(Appointment, { where: { id: appointmentId } });
    if (!appt) throw new DomainError('not-found', 'Appointment not found');
    assertPatientScope(principal, { id: appt.patientId, clinicId: appt.clinicId }, 'Appointment');
    const limit = Math.min(page.limit ?? 50, MAX_LIMIT);
    const offset = page.cursor ? Number(page.cursor) || 0 : 0;
    const rows = await this.dataSource.manager.find(Message, {
      where: { appointmentId },
      order: { sendAt: 'ASC', kind: 'ASC', id: 'ASC' },
      take: limit + 1,
      skip: offset,
    });
    await this.audit.record({
      actorId: principal.userId,
      actorRole: principal.role,
      action: 'appointment-messages.read',
      resourceType: 'appointment',
      resourceId: appointmentId,
      clinicId: appt.clinicId,
      patientId: appt.patientId,
      requestId,
      outcome: 'success',
    });
    const items = rows.slice(0, limit).map((m) => ({
      kind: m.kind,
      channel: m.channel,
      sendAt: m.sendAt.toISOString(),
      status: m.status === 'sending' ? 'scheduled' : m.status,
      ...(m.sentAt ? { sentAt: m.sentAt.toISOString() } : {}),
      notAfter: m.notAfter.toISOString(),
      ...(m.error ? { error: m.error } : {}),
    }));
    return { items, nextCursor: rows.length > limit ? String(offset + limit) : null };
  }
}
