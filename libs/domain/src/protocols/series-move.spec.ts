import { findDefaultProtocol } from './default-protocols';
import { localToInstant } from '../time';
import { validateMovedSeries } from './series-move';

const ZONE = 'America/New_York';
const IV = findDefaultProtocol('iv-induction')!;
const at = (date: string) => localToInstant(date, '10:00', ZONE);

describe('validateMovedSeries', () => {
  it('checks a complete series exactly, counts included', () => {
    const six = ['2027-03-08', '2027-03-10', '2027-03-12', '2027-03-15', '2027-03-17', '2027-03-19'].map((d, i) => ({
      sequence: i + 1,
      start: at(d),
    }));
    expect(validateMovedSeries(IV, six, ZONE)).toEqual([]);
    const moved = six.map((v) => (v.sequence === 2 ? { ...v, start: at('2027-03-09') } : v));
    expect(validateMovedSeries(IV, moved, ZONE).map((v) => v.code)).toContain('min-gap');
  });

  it('reads a partly cancelled series as a partial set: counts and sequence gaps do not fail it, spacing still does', () => {
    const four = [
      { sequence: 1, start: at('2027-03-08') },
      { sequence: 2, start: at('2027-03-10') },
      { sequence: 5, start: at('2027-03-17') },
      { sequence: 6, start: at('2027-03-19') },
    ];
    expect(validateMovedSeries(IV, four, ZONE)).toEqual([]);
    const tooClose = four.map((v) => (v.sequence === 5 ? { ...v, start: at('2027-03-11') } : v));
    expect(validateMovedSeries(IV, tooClose, ZONE).map((v) => v.code)).toEqual(['min-gap']);
  });
});
