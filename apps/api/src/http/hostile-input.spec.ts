import fc from 'fast-check';
import { badText, inspectBody, MAX_BODY_DEPTH } from './hostile-input';

describe('inspectBody', () => {
  const clean = fc
    .jsonValue({ maxDepth: 6 })
    .filter((v) => !JSON.stringify(v).includes('\\u0000') && !/\\ud[89a-f]/i.test(JSON.stringify(v)));

  it('finds nothing wrong in well-formed JSON of modest depth', () => {
    fc.assert(fc.property(clean, (v) => expect(inspectBody(v)).toEqual([])));
  });

  it('names the path of a NUL or a lone surrogate put anywhere in a value or a key', () => {
    fc.assert(
      fc.property(fc.constantFrom('\u0000', '\ud800', '\udfff'), fc.string(), fc.nat({ max: 5 }), (bad, s, at) => {
        const text = `${s.slice(0, at)}${bad}${s.slice(at)}`;
        expect(inspectBody({ visits: [{ note: text }] })).toEqual([{ path: 'visits[0].note', message: expect.any(String) }]);
        expect(inspectBody({ a: { [text]: 1 } })[0].path).toMatch(/^a\./);
      }),
    );
  });

  it('refuses nesting deeper than the limit without recursion (100,000 levels)', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(inspectBody({ x: deep })[0].message).toContain(`deeper than ${MAX_BODY_DEPTH}`);
    let ok: unknown = 'leaf';
    for (let i = 0; i < MAX_BODY_DEPTH - 1; i++) ok = [ok];
    expect(inspectBody(ok)).toEqual([]);
  });

  it('accepts surrogate pairs (emoji) and refuses only unpaired halves', () => {
    expect(badText('ok 😀')).toBeNull();
    expect(badText('\ud83d')).toMatch(/surrogate/);
    expect(badText('\ude00x')).toMatch(/surrogate/);
    expect(badText('a\u0000')).toMatch(/NUL/);
  });
});
