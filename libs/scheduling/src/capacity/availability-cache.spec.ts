import { AvailabilityCache } from './availability-cache';

describe('AvailabilityCache', () => {
  const answer = (version: string, body: string, validUntil = 1_000) => ({ version, body, validUntil });

  it('serves an entry only under its version and before validUntil', () => {
    const cache = new AvailabilityCache(100);
    cache.set('k', answer('3', 'abc'));
    expect(cache.get('k', '3', 999)).toBe('abc');
    expect(cache.get('k', '4', 0)).toBeUndefined();
    cache.set('k', answer('3', 'abc'));
    expect(cache.get('k', '3', 1_000)).toBeUndefined();
  });

  it('keeps a newer version when a slower request computed under an older one', () => {
    const cache = new AvailabilityCache(100);
    cache.set('k', answer('10', 'new'));
    cache.set('k', answer('9', 'old'));
    expect(cache.get('k', '10', 0)).toBe('new');
  });

  it('evicts the least recently used entries beyond its size, and skips bodies larger than it', () => {
    const cache = new AvailabilityCache(10);
    cache.set('a', answer('1', 'aaaa'));
    cache.set('b', answer('1', 'bbbb'));
    expect(cache.get('a', '1', 0)).toBe('aaaa'); // a is now the most recent
    cache.set('c', answer('1', 'cccc'));
    expect(cache.get('b', '1', 0)).toBeUndefined();
    expect(cache.get('a', '1', 0)).toBe('aaaa');
    expect(cache.get('c', '1', 0)).toBe('cccc');
    cache.set('d', answer('1', 'x'.repeat(11)));
    expect(cache.get('d', '1', 0)).toBeUndefined();
  });
});
