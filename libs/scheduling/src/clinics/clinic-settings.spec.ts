import { DEFAULT_CLINIC_SETTINGS } from '../entities/clinic.entity';
import { mergeClinicSettings, validateClinicSettings } from './clinic-settings';

describe('clinic settings', () => {
  it('accepts the defaults', () => {
    expect(validateClinicSettings(DEFAULT_CLINIC_SETTINGS)).toEqual([]);
  });

  it('merges nested objects one level deep', () => {
    const { settings, errors } = mergeClinicSettings(DEFAULT_CLINIC_SETTINGS, { vitalsHold: { systolic: 170 }, slotMinutes: 20 });
    expect(errors).toEqual([]);
    expect(settings.vitalsHold).toEqual({ systolic: 170, diastolic: 100 });
    expect(settings.slotMinutes).toBe(20);
    expect(settings.nurseRatio).toBe(DEFAULT_CLINIC_SETTINGS.nurseRatio);
  });

  it.each([
    [{ slotMinutes: 7 }, 'settings.slotMinutes'],
    [{ slotMinutes: 90 }, 'settings.slotMinutes'],
    [{ slotMinutes: 4 }, 'settings.slotMinutes'],
    [{ nurseRatio: 0 }, 'settings.nurseRatio'],
    [{ nurseRatio: 2.5 }, 'settings.nurseRatio'],
    [{ vitalsHold: { systolic: 150, diastolic: 150 } }, 'settings.vitalsHold.diastolic'],
    [{ quietHours: { to: '8:00' } }, 'settings.quietHours.to'],
    [{ vitalsHold: 'high' }, 'settings.vitalsHold'],
    [{ colour: 'blue' }, 'settings.colour'],
    [{ minimumLeadMinutes: -1 }, 'settings.minimumLeadMinutes'],
    [{ minimumLeadMinutes: 30.5 }, 'settings.minimumLeadMinutes'],
    [{ minimumLeadMinutes: 10_081 }, 'settings.minimumLeadMinutes'],
    [{ minimumLeadMinutes: '120' }, 'settings.minimumLeadMinutes'],
  ])('refuses %j naming %s', (patch, path) => {
    const { errors } = mergeClinicSettings(DEFAULT_CLINIC_SETTINGS, patch);
    expect(errors.map((e) => e.path)).toContain(path);
  });

  it('defaults minimumLeadMinutes to 120 and accepts 0 (no lead) to a week', () => {
    expect(DEFAULT_CLINIC_SETTINGS.minimumLeadMinutes).toBe(120);
    for (const minimumLeadMinutes of [0, 45, 10_080]) {
      expect(mergeClinicSettings(DEFAULT_CLINIC_SETTINGS, { minimumLeadMinutes }).errors).toEqual([]);
    }
  });

  it('accepts every slot length from 5 to 60 that divides the day', () => {
    for (const slotMinutes of [5, 6, 10, 12, 15, 20, 30, 60]) {
      expect(mergeClinicSettings(DEFAULT_CLINIC_SETTINGS, { slotMinutes }).errors).toEqual([]);
    }
  });
});
