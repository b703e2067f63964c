import { canonicalJson, requestHash } from './idempotency.service';

describe('canonicalJson / requestHash', () => {
  it('ignores key order at every level and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(requestHash('r', { a: 1, b: [1, 2] })).toBe(requestHash('r', { b: [1, 2], a: 1 }));
  });
  it('differs for a different body, array order or route', () => {
    const h = requestHash('r', { v: [1, 2] });
    expect(requestHash('r', { v: [2, 1] })).not.toBe(h);
    expect(requestHash('r', { v: [1, 2], hold: true })).not.toBe(h);
    expect(requestHash('s', { v: [1, 2] })).not.toBe(h);
  });
});
