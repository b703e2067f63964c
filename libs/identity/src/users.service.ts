import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { DomainError } from '@chairtime/domain';
import { AuditService } from '@chairtime/audit';
import { inTransaction, pgCode, pgConstraint, PG } from '@chairtime/persistence';
import { Patient } from '@chairtime/clinical/entities';
import { Clinic } from '@chairtime/scheduling/entities';
import { AppUser, UserClinic } from './entities';
import { Role, STAFF_ROLES } from './access.decorators';
import { Principal } from './principal';
import { PasswordService } from './password.service';

/** Input of `POST /v1/users`, already shape-validated by the DTO. */
export interface NewUser {
  email: string;
  password: string;
  role: Role;
  clinicIds?: string[];
  patientId?: string | null;
}

/** A user as the API shows it: ids and role only, never the password hash. */
export interface UserView {
  id: string;
  email: string;
  role: Role;
  clinicIds: string[];
  patientId: string | null;
  createdAt: string;
}

/** Creates users (admin) and describes the caller (`/v1/me`). */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly passwords: PasswordService,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Principal, input: NewUser, requestId: string | null): Promise<UserView> {
    const email = input.email.trim();
    let clinicIds = [...new Set(input.clinicIds ?? [])].sort();
    const patientId = input.patientId ?? null;
    if (input.role === Role.Patient && !patientId) throw invalid('patientId', 'is required for a patient user');
    if (input.role !== Role.Patient && patientId) throw invalid('patientId', 'is only for patient users');
    if ((STAFF_ROLES as readonly Role[]).includes(input.role) && clinicIds.length === 0) {
      throw invalid('clinicIds', 'staff need at least one clinic');
    }
    if (input.role === Role.Admin && clinicIds.length > 0) throw invalid('clinicIds', 'an admin reaches every clinic; give none');
    // Hash before the transaction: argon2 is deliberately slow and must not hold locks.
    const passwordHash = await this.passwords.hash(input.password);

    try {
      return await inTransaction(this.dataSource, async (em) => {
        if (patientId) {
          const patient = await em.findOne(Patient, { where: { id: patientId }, select: { id: true, clinicId: true } });
          if (!patient) throw invalid('patientId', 'no such patient');
          if (clinicIds.length > 0 && (clinicIds.length !== 1 || clinicIds[0] !== patient.clinicId)) {
            throw invalid('clinicIds', "a patient user belongs to its patient's clinic only");
          }
          clinicIds = [patient.clinicId];
        }
        if (clinicIds.length) {
          const found = await em.count(Clinic, { where: { id: In(clinicIds) } });
          if (found !== clinicIds.length) throw invalid('clinicIds', 'contains an unknown clinic');
        }
        const user = await em.save(em.create(AppUser, { email, passwordHash, role: input.role, patientId, disabled: false }));
        if (clinicIds.length)
          await em.insert(
            UserClinic,
            clinicIds.map((clinicId) => ({ userId: user.id, clinicId })),
          );
        await this.audit.record(
          {
            actorId: actor.userId,
            actorRole: actor.role,
            action: 'user.create',
            resourceType: 'user',
            resourceId: user.id,
            clinicId: clinicIds[0] ?? null,
            patientId,
            requestId,
            outcome: 'success',
          },
          em,
        );
        return view(user, clinicIds);
      });
    } catch (e) {
      if (pgCode(e) === PG.uniqueViolation && pgConstraint(e) === 'app_user_email_lower_uq') {
        throw new DomainError('conflict', 'A user with this email already exists');
      }
      throw e;
    }
  }

  /** The caller's own user; 404 when the token's user no longer exists. */
  async me(p: Principal): Promise<Omit<UserView, 'createdAt'>> {
    const user = await this.dataSource.getRepository(AppUser).findOne({ where: { id: p.userId } });
    if (!user || user.disabled) throw new DomainError('not-found', 'User not found');
    const links = await this.dataSource.getRepository(UserClinic).find({ where: { userId: user.id }, order: { clinicId: 'ASC' } });
    const { createdAt: _createdAt, ...rest } = view(
      user,
      links.map((l) => l.clinicId),
    );
    return rest;
  }
}

function invalid(path: string, message: string): DomainError {
  return new DomainError('validation', `${path} ${message}`, { errors: [{ path, message }] });
}

function view(u: AppUser, clinicIds: string[]): UserView {
  return { id: u.id, email: u.email, role: u.role as Role, clinicIds, patientId: u.patientId, createdAt: u.createdAt.toISOString() };
}
