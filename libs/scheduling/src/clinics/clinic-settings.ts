import { ClinicSettings, DEFAULT_CLINIC_SETTINGS } from '../entities';

/** One invalid field, as the problem body's `errors` lists them. */
export interface FieldError {
  path: string;
  message: string;
}

const WALL = /^([01]\d|2[0-3]):[0-5]\d$/;
const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/**
 * Merges a partial settings object over `base` (nested objects merged one level deep) and
 * validates the result. Unknown keys are refused so a typo cannot silently keep a default.
 */
export function mergeClinicSettings(
  base: ClinicSettings,
  patch: Record<string, unknown> | undefined,
): { settings: ClinicSettings; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const p = patch ?? {};
  for (const key of Object.keys(p)) {
    if (!(key in DEFAULT_CLINIC_SETTINGS)) errors.push({ path: `settings.${key}`, message: `unknown setting '${key.slice(0, 40)}'` });
  }
  const nested = <K extends 'vitalsHold' | 'quietHours'>(key: K): ClinicSettings[K] => {
    const v = p[key];
    if (v === undefined) return base[key];
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      errors.push({ path: `settings.${key}`, message: `${key} must be an object` });
      return base[key];
    }
    return { ...base[key], ...(v as object) } as ClinicSettings[K];
  };
  const settings = { ...base, ...p, vitalsHold: nested('vitalsHold'), quietHours: nested('quietHours') } as ClinicSettings;
  errors.push(...validateClinicSettings(settings));
  return { settings, errors };
}

/** Every rule a clinic's settings must obey, as field errors (empty when valid). */
export function validateClinicSettings(s: ClinicSettings): FieldError[] {
  const errors: FieldError[] = [];
  const add = (path: string, message: string) => errors.push({ path: `settings.${path}`, message });
  // The slot grid restarts at local midnight every day, so a slot must divide the day evenly.
  if (!isInt(s.slotMinutes, 5, 60) || 1440 % s.slotMinutes !== 0) add('slotMinutes', 'slotMinutes must be 5–60 and divide 1440');
  if (!isInt(s.prepMinutes, 0, 240)) add('prepMinutes', 'prepMinutes must be an integer 0–240');
  if (!isInt(s.turnoverMinutes, 0, 240)) add('turnoverMinutes', 'turnoverMinutes must be an integer 0–240');
  if (!isInt(s.nurseRatio, 1, 10)) add('nurseRatio', 'nurseRatio must be an integer 1–10');
  if (!isInt(s.vitalsHold?.systolic, 100, 250)) add('vitalsHold.systolic', 'systolic must be an integer 100–250');
  if (!isInt(s.vitalsHold?.diastolic, 50, 150)) add('vitalsHold.diastolic', 'diastolic must be an integer 50–150');
  else if (isInt(s.vitalsHold?.systolic, 100, 250) && s.vitalsHold.diastolic >= s.vitalsHold.systolic) {
    add('vitalsHold.diastolic', 'diastolic must be below systolic');
  }
  if (typeof s.quietHours?.from !== 'string' || !WALL.test(s.quietHours.from)) add('quietHours.from', 'from must be a wall time HH:mm');
  if (typeof s.quietHours?.to !== 'string' || !WALL.test(s.quietHours.to)) add('quietHours.to', 'to must be a wall time HH:mm');
  if (typeof s.requireScreeningApproval !== 'boolean') add('requireScreeningApproval', 'requireScreeningApproval must be a boolean');
  if (!isInt(s.holdMinutes, 1, 1440)) add('holdMinutes', 'holdMinutes must be an integer 1–1440');
  if (!isInt(s.patientNoticeHours, 0, 720)) add('patientNoticeHours', 'patientNoticeHours must be an integer 0–720');
  if (typeof s.remsCertified !== 'boolean') add('remsCertified', 'remsCertified must be a boolean');
  // Up to a week: a longer lead would hide most of a course's window from its patient.
  if (!isInt(s.minimumLeadMinutes, 0, 10_080)) add('minimumLeadMinutes', 'minimumLeadMinutes must be an integer 0–10080');
  return errors;
}
