import { DateTime } from 'luxon';
import { DomainError } from '../shared/domain-error';
import { DEFAULT_QUIET_HOURS, patientMessageHours, patientQuietWindow, QuietWindow } from './quiet-hours';

const NY = 'America/New_York';
const at = (iso: string, zone = NY) => DateTime.fromISO(iso, { zone }).toMillis();
const iso = (ms: number, zone = NY) => DateTime.fromMillis(ms, { zone }).toISO();

describe('QuietWindow across midnight (21:00–08:00)', () => {
  const q = new QuietWindow({ from: '21:00', to: '08:00' }, NY);

  it.each([
    ['2027-03-02T20:59', false],
    ['2027-03-02T21:00', true],
    ['2027-03-02T23:59', true],
    ['2027-03-03T00:00', true],
    ['2027-03-03T07:59', true],
    ['2027-03-03T08:00', false],
    ['2027-03-03T12:00', false],
  ])('%s quiet: %s', (local, quiet) => {
    expect(q.isQuiet(at(local))).toBe(quiet);
  });

  it.each([
    ['2027-03-02T21:00', '2027-03-03T08:00:00.000-05:00'],
    ['2027-03-02T23:30', '2027-03-03T08:00:00.000-05:00'],
    ['2027-03-03T00:30', '2027-03-03T08:00:00.000-05:00'],
    ['2027-03-03T07:59:59', '2027-03-03T08:00:00.000-05:00'],
    ['2027-03-03T08:00', '2027-03-03T08:00:00.000-05:00'],
    ['2027-03-03T15:00', '2027-03-03T15:00:00.000-05:00'],
  ])('next allowed after %s is %s', (local, expected) => {
    expect(iso(q.nextAllowed(at(local)))).toBe(expected);
  });

  it.each([
    ['2027-03-02T23:30', '2027-03-02T20:59:00.000-05:00'],
    ['2027-03-03T05:00', '2027-03-02T20:59:00.000-05:00'],
    ['2027-03-03T15:00', '2027-03-03T15:00:00.000-05:00'],
  ])('last allowed before %s is %s', (local, expected) => {
    expect(iso(q.lastAllowedBefore(at(local)))).toBe(expected);
  });

  it('crosses spring-forward: 22:00 EST → 08:00 EDT is nine real hours', () => {
    const t = at('2027-03-13T22:00');
    const next = q.nextAllowed(t);
    expect(iso(next)).toBe('2027-03-14T08:00:00.000-04:00');
    expect(next - t).toBe(9 * 3_600_000);
  });

  it('crosses fall-back: 22:00 EDT → 08:00 EST is eleven real hours', () => {
    const t = at('2027-11-06T22:00');
    expect(q.nextAllowed(t) - t).toBe(11 * 3_600_000);
  });
});

describe('QuietWindow edges', () => {
  it('handles a window within one day (12:00–13:00)', () => {
    const q = new QuietWindow({ from: '12:00', to: '13:00' }, NY);
    expect(q.isQuiet(at('2027-03-02T11:59'))).toBe(false);
    expect(iso(q.nextAllowed(at('2027-03-02T12:30')))).toBe('2027-03-02T13:00:00.000-05:00');
    expect(iso(q.lastAllowedBefore(at('2027-03-02T12:30')))).toBe('2027-03-02T11:59:00.000-05:00');
  });

  it('treats from = to as no quiet hours', () => {
    const q = new QuietWindow({ from: '08:00', to: '08:00' }, NY);
    expect(q.isQuiet(at('2027-03-02T03:00'))).toBe(false);
  });

  it('ends exactly at the end of a spring-forward gap when `to` does not exist that night', () => {
    const q = new QuietWindow({ from: '22:00', to: '02:30' }, NY);
    expect(iso(q.nextAllowed(at('2027-03-14T01:00')))).toBe('2027-03-14T03:00:00.000-04:00');
  });

  it('pulls back to just before a window whose `from` falls in the gap', () => {
    const q = new QuietWindow({ from: '02:30', to: '06:00' }, NY);
    expect(q.isQuiet(at('2027-03-14T03:00'))).toBe(true);
    expect(iso(q.lastAllowedBefore(at('2027-03-14T04:00')))).toBe('2027-03-14T01:59:00.000-05:00');
  });

  it('judges the wall clock of the zone given', () => {
    const t = Date.UTC(2027, 2, 3, 3, 0); // 22:00 in New York, 19:00 in Los Angeles
    expect(new QuietWindow({ from: '21:00', to: '08:00' }, NY).isQuiet(t)).toBe(true);
    expect(new QuietWindow({ from: '21:00', to: '08:00' }, 'America/Los_Angeles').isQuiet(t)).toBe(false);
  });

  it.each([
    [{ from: '9:00', to: '08:00' }, NY, 'quietHours.from'],
    [{ from: '21:00', to: '24:00' }, NY, 'quietHours.to'],
    [{ from: '21:00', to: '08:00' }, 'Nowhere/Special', 'zone'],
  ])('refuses %j in %s at %s', (hours, zone, path) => {
    expect.assertions(2);
    try {
      new QuietWindow(hours, zone);
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).details.errors).toEqual([expect.objectContaining({ path })]);
    }
  });
});

describe('patientMessageHours', () => {
  const clinic = { timezone: 'America/New_York', settings: { quietHours: { from: '20:00', to: '09:00' } } };
  it("takes the clinic's quiet hours on the patient's zone", () => {
    expect(patientMessageHours(clinic, { timezone: 'America/Denver' })).toEqual({
      quietHours: { from: '20:00', to: '09:00' },
      patientZone: 'America/Denver',
    });
  });
  it("falls back to the clinic's zone and the default hours", () => {
    expect(patientMessageHours({ timezone: 'Europe/Berlin', settings: null }, { timezone: null })).toEqual({
      quietHours: DEFAULT_QUIET_HOURS,
      patientZone: 'Europe/Berlin',
    });
  });
});

describe('patientQuietWindow', () => {
  it("is the clinic's quiet hours on the patient's zone", () => {
    const q = patientQuietWindow(
      { timezone: 'America/New_York', settings: { quietHours: { from: '20:00', to: '09:00' } } },
      { timezone: 'America/Denver' },
    );
    expect(q.zone).toBe('America/Denver');
    expect(q.isQuiet(at('2027-03-02T20:30', 'America/Denver'))).toBe(true);
    expect(q.isQuiet(at('2027-03-02T19:30', 'America/Denver'))).toBe(false);
  });
});
