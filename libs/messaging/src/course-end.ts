import { EntityManager } from 'typeorm';
import { CourseEnd, courseEnd } from '@chairtime/domain';
import { Appointment } from '@chairtime/scheduling/entities';

/**
 * The end of an induction course, read from its visits in the caller's transaction (the rule is
 * `courseEnd` in libs/domain). Callers decide whether the course is an induction.
 */
export async function loadCourseEnd(em: EntityManager, course: { id: string; status: string }): Promise<CourseEnd | null> {
  const visits = await em.find(Appointment, { where: { courseId: course.id } });
  return courseEnd(
    { status: course.status, induction: true },
    visits.map((v) => ({
      id: v.id,
      kind: v.kind,
      status: v.status,
      startsAt: v.startsAt.getTime(),
      chairReleasedAt: v.chairReleasedAt.getTime(),
      version: v.version,
    })),
  );
}
