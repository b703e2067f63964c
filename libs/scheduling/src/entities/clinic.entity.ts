import { DEFAULT_MINIMUM_LEAD_MINUTES, DEFAULT_QUIET_HOURS } from '@chairtime/domain';
import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Per-clinic settings (API.md); defaults in {@link DEFAULT_CLINIC_SETTINGS}. */
export interface ClinicSettings {
  slotMinutes: number;
  prepMinutes: number;
  turnoverMinutes: number;
  nurseRatio: number;
  vitalsHold: { systolic: number; diastolic: number };
  quietHours: { from: string; to: string };
  requireScreeningApproval: boolean;
  /** Minutes a hold blocks capacity before it frees itself. */
  holdMinutes: number;
  /** Hours before a visit after which a patient can no longer cancel or move it themselves. */
  patientNoticeHours: number;
  /**
   * Spravato REMS certification of the site: a hard stop for booking, moving and checking in
   * Spravato visits. False until an admin sets it (PATCH /v1/clinics/:id, audited).
   */
  remsCertified: boolean;
  /**
   * Minutes ahead of now a patient's own booking must start (series, booster, reschedule, single
   * visit); staff are not bound. Plans and availability a patient asks for leave earlier starts out.
   */
  minimumLeadMinutes: number;
}

export const DEFAULT_CLINIC_SETTINGS: ClinicSettings = {
  slotMinutes: 15,
  prepMinutes: 10,
  turnoverMinutes: 10,
  nurseRatio: 4,
  vitalsHold: { systolic: 160, diastolic: 100 },
  quietHours: { ...DEFAULT_QUIET_HOURS },
  requireScreeningApproval: true,
  holdMinutes: 10,
  patientNoticeHours: 24,
  remsCertified: false,
  minimumLeadMinutes: DEFAULT_MINIMUM_LEAD_MINUTES,
};

/** A clinic: the tenant. Every other row carries its `clinic_id`. */
@Entity('clinic')
@Check('clinic_name_not_blank', 'length(btrim(name)) > 0')
@Check('clinic_settings_rems_certified', "coalesce(jsonb_typeof(settings -> 'remsCertified'), 'missing') = 'boolean'")
export class Clinic {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** IANA zone; hours, closures and protocol day rules are in this zone. */
  @Column({ type: 'text' })
  timezone!: string;

  @Column({ type: 'jsonb' })
  settings!: ClinicSettings;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
