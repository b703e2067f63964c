import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { Clock, CLOCK, DomainError } from '@chairtime/domain';
import { inTransaction } from '@chairtime/persistence';
import { AuditService } from '@chairtime/audit';
import { assertClinicScope, canAccessClinic, Principal } from '@chairtime/identity';
import { Patient, Task, TaskAssignee, TaskKind, TaskPriority, TaskStatus } from '../entities';
import { Actor, assertStaff, auditPatient } from '../clinical-access';

/** What {@link TaskService.raise} needs. */
export interface RaiseTask {
  clinicId: string;
  patientId: string;
  kind: TaskKind;
  appointmentId?: string | null;
  priority?: TaskPriority;
  assigneeRole?: TaskAssignee | null;
  dueAt?: Date | null;
}

/** `GET /v1/tasks` item. */
export interface TaskView {
  id: string;
  kind: string;
  appointmentId?: string;
  patientId: string;
  createdAt: string;
  status: TaskStatus;
  priority: TaskPriority;
  assigneeRole?: string;
  dueAt?: string;
  /** The patient's display name, in staff lists (`GET /v1/tasks`). */
  patientName?: string;
}

export const toTaskView = (t: Task): TaskView => ({
  id: t.id,
  kind: t.kind,
  ...(t.appointmentId ? { appointmentId: t.appointmentId } : {}),
  patientId: t.patientId,
  createdAt: t.createdAt.toISOString(),
  status: t.status,
  priority: t.priority,
  ...(t.assigneeRole ? { assigneeRole: t.assigneeRole } : {}),
  ...(t.dueAt ? { dueAt: t.dueAt.toISOString() } : {}),
});

/** Filters of `GET /v1/tasks`. */
export interface TaskQuery {
  clinicId: string;
  status?: TaskStatus;
  kind?: string;
  limit?: number;
  cursor?: string;
}

/** Work items for clinic staff: raised by day-of rules, safety, and other areas' jobs. */
@Injectable()
export class TaskService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Raises a task in the caller's transaction. Idempotent per (kind, appointment) while a task is
   * unresolved: a retried job gets the existing task back instead of a second alert. The insert
   * goes through `ON CONFLICT DO NOTHING` against the partial unique index so a concurrent raise
   * cannot abort the caller's transaction with a unique violation.
   */
  async raise(em: EntityManager, input: RaiseTask): Promise<Task> {
    const row = {
      clinicId: input.clinicId,
      patientId: input.patientId,
      kind: input.kind,
      appointmentId: input.appointmentId ?? null,
      priority: input.priority ?? 'normal',
      assigneeRole: input.assigneeRole ?? null,
      dueAt: input.dueAt ?? null,
      status: 'open' as const,
      createdAt: new Date(this.clock.now()),
    };
    if (row.appointmentId === null) return em.getRepository(Task).save(em.getRepository(Task).create(row));
    const inserted = await em.createQueryBuilder().insert().into(Task).values(row).orIgnore().returning('id').execute();
    const id = (inserted.raw as { id: string }[])[0]?.id;
    const task = await em.getRepository(Task).findOne({
      where: id ? { id } : { kind: row.kind, appointmentId: row.appointmentId, status: In(['open', 'acknowledged']) },
    });
    if (!task) throw new DomainError('conflict', 'The task could not be raised');
    return task;
  }

  /** Tasks of a clinic, newest first, paged by an opaque cursor (`createdAt|id` of the last item). */
  async list(actor: Actor, q: TaskQuery): Promise<{ items: TaskView[]; nextCursor: string | null }> {
    assertStaff(actor.principal, 'Clinic');
    assertClinicScope(actor.principal, q.clinicId);
    const limit = Math.min(q.limit ?? 50, 200);
    const qb = this.dataSource.getRepository(Task).createQueryBuilder('t').where('t.clinic_id = :clinicId', { clinicId: q.clinicId });
    if (q.status) qb.andWhere('t.status = :status', { status: q.status });
    if (q.kind) qb.andWhere('t.kind = :kind', { kind: q.kind });
    if (q.cursor) {
      const [at, id] = decodeCursor(q.cursor);
      qb.andWhere('(t.created_at, t.id) < (:at, :id)', { at, id });
    }
    const rows = await qb
      .orderBy('t.created_at', 'DESC')
      .addOrderBy('t.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    await this.audit.record({
      actorId: actor.principal.userId,
      actorRole: actor.principal.role,
      action: 'task.list',
      resourceType: 'task',
      clinicId: q.clinicId,
      requestId: actor.requestId,
      outcome: 'success',
    });
    const names = new Map(
      (await this.dataSource.getRepository(Patient).find({ where: { id: In([...new Set(page.map((t) => t.patientId))]) } })).map((p) => [
        p.id,
        `${p.givenName} ${p.familyName}`,
      ]),
    );
    return {
      items: page.map((t) => ({ ...toTaskView(t), patientName: names.get(t.patientId) ?? '' })),
      nextCursor: rows.length > limit && last ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url') : null,
    };
  }

  /**
   * Resolves, in the caller's transaction, the patient's unresolved tasks of one kind that the
   * change made moot (a screening decided closes its `screening-review`).
   */
  async closeOpen(em: EntityManager, where: { patientId: string; kind: TaskKind }, by: string | null, note: string): Promise<number> {
    const now = new Date(this.clock.now());
    const result = await em
      .createQueryBuilder()
      .update(Task)
      .set({ status: 'resolved', resolvedAt: now, resolvedBy: by, note })
      .where("patient_id = :patientId AND kind = :kind AND status <> 'resolved'", where)
      .execute();
    return result.affected ?? 0;
  }

  acknowledge(actor: Actor, taskId: string): Promise<TaskView> {
    return this.move(actor, taskId, 'acknowledged', null);
  }

  resolve(actor: Actor, taskId: string, note: string | null): Promise<TaskView> {
    return this.move(actor, taskId, 'resolved', note);
  }

  private move(actor: Actor, taskId: string, to: 'acknowledged' | 'resolved', note: string | null): Promise<TaskView> {
    return inTransaction(this.dataSource, async (em) => {
      const task = await loadTask(em, actor.principal, taskId);
      // open → acknowledged → resolved; resolving straight from open is allowed (a false alarm).
      const allowed = to === 'acknowledged' ? task.status === 'open' : task.status !== 'resolved';
      if (!allowed) throw new DomainError('invalid-state', `The task is ${task.status}`, { currentStatus: task.status });
      const now = new Date(this.clock.now());
      if (to === 'acknowledged') {
        task.acknowledgedAt = now;
        task.acknowledgedBy = actor.principal.userId;
      } else {
        task.resolvedAt = now;
        task.resolvedBy = actor.principal.userId;
        task.note = note;
      }
      task.status = to;
      await em.getRepository(Task).save(task);
      await auditPatient(
        this.audit,
        actor,
        {
          action: `task.${to === 'acknowledged' ? 'acknowledge' : 'resolve'}`,
          resourceType: 'task',
          resourceId: task.id,
          clinicId: task.clinicId,
          patientId: task.patientId,
        },
        em,
      );
      return toTaskView(task);
    });
  }
}

async function loadTask(em: EntityManager, principal: Principal, taskId: string): Promise<Task> {
  const task = await em.getRepository(Task).findOne({ where: { id: taskId }, lock: { mode: 'pessimistic_write' } });
  if (!task || !canAccessClinic(principal, task.clinicId)) throw new DomainError('not-found', 'Task not found');
  assertStaff(principal, 'Task');
  return task;
}

function decodeCursor(cursor: string): [string, string] {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new DomainError('validation', 'Invalid cursor', { errors: [{ path: 'cursor', message: 'is not a cursor of this list' }] });
  }
  return [at, id];
}
