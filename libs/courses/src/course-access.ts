import { EntityManager } from 'typeorm';
import { DomainError } from '@chairtime/domain';
import { Clinic } from '@chairtime/scheduling/entities';
import { assertPatientScope, Principal } from '@chairtime/identity';
import { lockPatientOf } from '@chairtime/persistence';
import { Course } from './entities';

/** Who is asking and for which request: for scope checks and audit rows. */
export interface Actor {
  principal: Principal;
  requestId: string | null;
}

/**
 * Loads a course the caller may see (staff of its clinic, or the patient it belongs to); anything
 * else is 404, indistinguishable from a missing course. `lock` takes the row FOR UPDATE so status
 * changes of one course serialize.
 */
export async function loadCourse(em: EntityManager, principal: Principal, courseId: string, lock = false): Promise<Course> {
  const course = await em.getRepository(Course).findOne({
    where: { id: courseId },
    ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
  if (!course) throw new DomainError('not-found', 'Course not found');
  assertPatientScope(principal, { id: course.patientId, clinicId: course.clinicId }, 'Course');
  return course;
}

export async function loadClinic(em: EntityManager, clinicId: string): Promise<Clinic> {
  const clinic = await em.getRepository(Clinic).findOne({ where: { id: clinicId } });
  if (!clinic) throw new DomainError('not-found', 'Clinic not found');
  return clinic;
}

/**
 * Takes the lock of the course's patient (level 2 of the lock order in libs/persistence), before
 * any row lock of the course or its visits. An unknown course takes none: the load that follows
 * answers 404.
 */
export async function lockPatientOfCourse(em: EntityManager, courseId: string): Promise<void> {
  await lockPatientOf(em, 'course', courseId);
}
