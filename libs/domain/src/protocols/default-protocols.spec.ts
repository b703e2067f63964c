import { DEFAULT_PROTOCOLS, findDefaultProtocol } from './default-protocols';
import { phaseWeeks, validateProtocol, validateProtocolRules } from './protocol-rules';
import type { ProtocolRules } from './protocol.types';

describe('DEFAULT_PROTOCOLS', () => {
  it('holds the six protocols, version 1, each well-formed', () => {
    expect(DEFAULT_PROTOCOLS.map((p) => p.key)).toEqual([
      'iv-induction',
      'iv-booster',
      'im-induction',
      'spravato-induction',
      'spravato-maintenance',
      'lozenge-home',
    ]);
    for (const p of DEFAULT_PROTOCOLS) {
      expect(p.version).toBe(1);
      expect(validateProtocol(p)).toEqual([]);
    }
  });

  it('survives a jsonb round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(DEFAULT_PROTOCOLS))).toEqual(DEFAULT_PROTOCOLS);
  });

  it('carries the DOMAIN.md values', () => {
    expect(findDefaultProtocol('iv-induction')).toMatchObject({
      visitKind: 'iv-infusion',
      rules: { visitCount: 6, minGapDays: 2, maxPerIsoWeek: 3, maxSpanDays: 20 },
    });
    expect(findDefaultProtocol('im-induction')).toMatchObject({
      visitKind: 'im-injection',
      rules: findDefaultProtocol('iv-induction')?.rules,
    });
    expect(findDefaultProtocol('iv-booster')?.rules).toEqual({
      visitCount: 1,
      repeat: { intervalDays: 28, windowMinDays: 21, windowMaxDays: 42 },
    });
    expect(phaseWeeks((findDefaultProtocol('spravato-induction') as { rules: ProtocolRules }).rules)).toEqual([
      1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8,
    ]);
    expect(findDefaultProtocol('lozenge-home')).toMatchObject({ visitKind: 'lozenge', rules: { visitCount: 1, optional: true } });
  });

  it('cannot be changed in place', () => {
    const iv = findDefaultProtocol('iv-induction') as { rules: ProtocolRules };
    expect(() => {
      iv.rules.visitCount = 7;
    }).toThrow(TypeError);
  });
});

describe('validateProtocolRules', () => {
  it.each([
    [{ visitCount: 0 }, 'rules.visitCount'],
    [{ visitCount: 31 }, 'rules.visitCount'],
    [{ visitCount: 2, minGapDays: -1 }, 'rules.minGapDays'],
    [{ visitCount: 2, minGapDays: 1.5 }, 'rules.minGapDays'],
    [{ visitCount: 2, maxPerIsoWeek: 0 }, 'rules.maxPerIsoWeek'],
    [{ visitCount: 2, maxSpanDays: -3 }, 'rules.maxSpanDays'],
    [{ visitCount: 2, phases: [] }, 'rules.phases'],
    [{ visitCount: 3, phases: [{ fromWeek: 1, toWeek: 1, visitsPerWeek: 2 }] }, 'rules.phases'],
    [{ visitCount: 2, phases: [{ fromWeek: 2, toWeek: 2, visitsPerWeek: 2 }] }, 'rules.phases[0]'],
    [
      {
        visitCount: 4,
        phases: [
          { fromWeek: 1, toWeek: 2, visitsPerWeek: 1 },
          { fromWeek: 2, toWeek: 3, visitsPerWeek: 1 },
        ],
      },
      'rules.phases[1]',
    ],
    [{ visitCount: 1, repeat: { intervalDays: 50, windowMinDays: 21, windowMaxDays: 42 } }, 'rules.repeat'],
    [{ visitCount: 1, optional: 'yes' }, 'rules.optional'],
    [{ visitCount: 1, minGap: 2 }, 'rules.minGap'],
  ])('refuses %j at %s', (rules, path) => {
    expect(validateProtocolRules(rules as unknown as ProtocolRules).map((e) => e.path)).toContain(path);
  });

  it('refuses a protocol with an unknown visit kind or a bad key', () => {
    const base = { ...DEFAULT_PROTOCOLS[0] };
    expect(validateProtocol({ ...base, visitKind: 'massage' }).map((e) => e.path)).toEqual(['visitKind']);
    expect(validateProtocol({ ...base, key: 'IV Induction' }).map((e) => e.path)).toEqual(['key']);
    expect(validateProtocol({ ...base, version: 0 }).map((e) => e.path)).toEqual(['version']);
  });
});
