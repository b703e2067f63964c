import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DateTime } from 'luxon';
import { Clock, CLOCK, DomainError, isSchedulingDate, isValidZone, schedulingYearsMessage } from '@chairtime/domain';
import { inTransaction } from '@chairtime/persistence';
import { AuditService } from '@chairtime/audit';
import { assertClinicScope, Role } from '@chairtime/identity';
import { ChannelConsent, Patient, RideContact } from '../entities';
import { Actor, assertStaff, auditPatient, loadClinic, loadPatient } from '../clinical-access';

/** Fields a patient may change about themself (contact details and consent). */
export const PATIENT_SELF_FIELDS = ['email', 'phone', 'timezone', 'contactPreference', 'consent', 'rideContacts'] as const;

/** Body of `POST /v1/patients` (already shape-checked by the DTO). */
export interface PatientInput {
  clinicId?: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  email?: string | null;
  phone?: string | null;
  timezone?: string | null;
  contactPreference: 'sms' | 'email';
  consent: ChannelConsent;
  rideContacts?: RideContact[];
}

/** `GET /v1/patients/:id`. */
export interface PatientView {
  id: string;
  clinicId: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  contactPreference: 'sms' | 'email';
  consent: ChannelConsent;
  rideContacts: RideContact[];
  remsEnrollment: { enrollmentId: string; enrolledOn: string } | null;
  createdAt: string;
}

export const toPatientView = (p: Patient): PatientView => ({
  id: p.id,
  clinicId: p.clinicId,
  givenName: p.givenName,
  familyName: p.familyName,
  birthDate: p.birthDate,
  email: p.email,
  phone: p.phone,
  timezone: p.timezone,
  contactPreference: p.contactPreference,
  consent: p.consent,
  rideContacts: p.rideContacts,
  remsEnrollment: p.remsEnrollmentId && p.remsEnrolledOn ? { enrollmentId: p.remsEnrollmentId, enrolledOn: p.remsEnrolledOn } : null,
  createdAt: p.createdAt.toISOString(),
});

/** Patient records: create, read, update contact/consent, REMS enrollment. Every call is audited. */
@Injectable()
export class PatientService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Creates a patient. `clinicId` is required for admins and defaults to the staff member's clinic
   * when they work in exactly one (API.md leaves it out of the body; we accept it to be explicit).
   */
  create(actor: Actor, input: PatientInput): Promise<PatientView> {
    assertStaff(actor.principal, 'Clinic');
    const clinicId =
      input.clinicId ??
      (actor.principal.role !== Role.Admin && actor.principal.clinicIds.length === 1 ? actor.principal.clinicIds[0] : null);
    if (!clinicId) throw invalid('clinicId', 'is required (the caller works in more than one clinic)');
    assertClinicScope(actor.principal, clinicId);
    this.checkFields(input);
    return inTransaction(this.dataSource, async (em) => {
      await loadClinic(em, clinicId);
      const repo = em.getRepository(Patient);
      const patient = await repo.save(
        repo.create({
          clinicId,
          givenName: input.givenName,
          familyName: input.familyName,
          birthDate: input.birthDate,
          email: input.email ?? null,
          phone: input.phone ?? null,
          timezone: input.timezone ?? null,
          contactPreference: input.contactPreference,
          consent: input.consent,
          rideContacts: input.rideContacts ?? [],
        }),
      );
      await this.record(actor, 'patient.create', patient, em);
      return toPatientView(patient);
    });
  }

  async get(actor: Actor, patientId: string): Promise<PatientView> {
    const patient = await loadPatient(this.dataSource.manager, actor.principal, patientId).catch(async (e: unknown) => {
      // Attempts on records outside the caller's scope are audited too (ids only, no body).
      if (e instanceof DomainError && e.code === 'not-found') {
        await this.audit.record({
          actorId: actor.principal.userId,
          actorRole: actor.principal.role,
          action: 'patient.read',
          resourceType: 'patient',
          resourceId: patientId,
          requestId: actor.requestId,
          outcome: 'not-found',
        });
      }
      throw e;
    });
    await this.record(actor, 'patient.read', patient);
    return toPatientView(patient);
  }

  /** Partial update; a patient may change only {@link PATIENT_SELF_FIELDS}. */
  update(actor: Actor, patientId: string, changes: Partial<PatientInput>): Promise<PatientView> {
    return inTransaction(this.dataSource, async (em) => {
      const patient = await loadPatient(em, actor.principal, patientId, true);
      const keys = Object.keys(changes).filter((k) => changes[k as keyof PatientInput] !== undefined);
      if (keys.includes('clinicId')) throw invalid('clinicId', 'cannot be changed');
      if (actor.principal.role === Role.Patient) {
        const denied = keys.filter((k) => !(PATIENT_SELF_FIELDS as readonly string[]).includes(k));
        if (denied.length > 0) {
          throw new DomainError('forbidden', 'Patients may change only their contact details and consent', {
            errors: denied.map((path) => ({ path, message: 'may be changed by staff only' })),
          });
        }
      }
      const merged: PatientInput = {
        givenName: changes.givenName ?? patient.givenName,
        familyName: changes.familyName ?? patient.familyName,
        birthDate: changes.birthDate ?? patient.birthDate,
        email: changes.email === undefined ? patient.email : changes.email,
        phone: changes.phone === undefined ? patient.phone : changes.phone,
        timezone: changes.timezone === undefined ? patient.timezone : changes.timezone,
        contactPreference: changes.contactPreference ?? patient.contactPreference,
        consent: changes.consent ?? patient.consent,
        rideContacts: changes.rideContacts ?? patient.rideContacts,
      };
      this.checkFields(merged);
      Object.assign(patient, { ...merged, clinicId: patient.clinicId });
      await em.getRepository(Patient).save(patient);
      await this.record(actor, 'patient.update', patient, em);
      return toPatientView(patient);
    });
  }

  /** Records the Spravato REMS patient enrollment (staff). */
  setRemsEnrollment(actor: Actor, patientId: string, input: { enrollmentId: string; enrolledOn: string }): Promise<PatientView> {
    assertStaff(actor.principal, 'Patient');
    return inTransaction(this.dataSource, async (em) => {
      const patient = await loadPatient(em, actor.principal, patientId, true);
      if (!this.isPastOrToday(input.enrolledOn)) throw invalid('enrolledOn', 'must be a real date, not in the future');
      if (!isSchedulingDate(input.enrolledOn)) throw invalid('enrolledOn', schedulingYearsMessage('enrolledOn'));
      patient.remsEnrollmentId = input.enrollmentId.trim();
      patient.remsEnrolledOn = input.enrolledOn;
      await em.getRepository(Patient).save(patient);
      await this.record(actor, 'patient.rems-enrollment', patient, em);
      return toPatientView(patient);
    });
  }

  /** Rules the DTO cannot express: real past birth date, known zone, preference has its channel. */
  private checkFields(input: PatientInput): void {
    const errors: { path: string; message: string }[] = [];
    const birth = DateTime.fromISO(input.birthDate, { zone: 'UTC' });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.birthDate) || !birth.isValid)
      errors.push({ path: 'birthDate', message: 'must be a real date (YYYY-MM-DD)' });
    else if (birth.toMillis() >= this.clock.now()) errors.push({ path: 'birthDate', message: 'must be in the past' });
    else if (birth.year < 1900) errors.push({ path: 'birthDate', message: 'must be in 1900 or later' });
    if (input.timezone && !isValidZone(input.timezone)) errors.push({ path: 'timezone', message: 'must be an IANA time zone' });
    if (input.contactPreference === 'sms' && !input.phone)
      errors.push({ path: 'phone', message: "is required when contactPreference is 'sms'" });
    if (input.contactPreference === 'email' && !input.email)
      errors.push({ path: 'email', message: "is required when contactPreference is 'email'" });
    if (errors.length > 0) throw new DomainError('validation', 'The patient has invalid fields', { errors });
  }

  private isPastOrToday(date: string): boolean {
    const d = DateTime.fromISO(date, { zone: 'UTC' });
    return /^\d{4}-\d{2}-\d{2}$/.test(date) && d.isValid && d.toMillis() <= this.clock.now();
  }

  private record(actor: Actor, action: string, patient: Patient, em?: EntityManager): Promise<void> {
    return auditPatient(
      this.audit,
      actor,
      { action, resourceType: 'patient', resourceId: patient.id, clinicId: patient.clinicId, patientId: patient.id },
      em,
    );
  }
}

function invalid(path: string, message: string): DomainError {
  return new DomainError('validation', `Invalid ${path}`, { errors: [{ path, message }] });
}
