import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';

export enum Role {
  Admin = 'admin',
  Scheduler = 'scheduler',
  Nurse = 'nurse',
  Clinician = 'clinician',
  Patient = 'patient',
}

export const STAFF_ROLES = [Role.Scheduler, Role.Nurse, Role.Clinician] as const;

export const ACCESS_RULE = 'chairtime:access-rule';

/** How a route may be reached. Every route has exactly one: the guard denies routes without. */
export type AccessRule = { kind: 'public' } | { kind: 'roles'; roles: Role[] };

/** Open to anyone, signed in or not (health, login, signed action links, provider webhooks). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule);

/**
 * Signed-in callers with one of these roles. Admin is always allowed. Tenant (clinic) and patient
 * scope are then enforced by the service on the resource itself, answering 404 outside scope.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ACCESS_RULE, { kind: 'roles', roles } satisfies AccessRule), ApiBearerAuth('bearer'));
