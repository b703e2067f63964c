import { createHash } from 'node:crypto';
import { AvailabilityCache, availabilityAnswer } from './availability-cache';

describe('AvailabilityCache', () => {
  const answer = (version: string, body: string, validUntil = 1_000) => ({ version, validUntil, ...availabilityAnswer(body) });
  const text = (a: { body: Buffer } | undefined) => a?.body.toString('utf8');

  it('serves an entry only under its version and before validUntil', () => {
    const cache = new AvailabilityCache(100);
    cache.set('k', answer('3', 'abc'));
    expect(text(cache.get('k', '3', 999))).toBe('abc');
    expect(cache.get('k', '4', 0)).toBeUndefined();
    cache.set('k', answer('3', 'abc'));
    expect(cache.get('k', '3', 1_000)).toBeUndefined();
  });

  it('keeps a newer version when a slower request computed under an older one', () => {
    const cache = new AvailabilityCache(100);
    cache.set('k', answer('10', 'new'));
    cache.set('k', answer('9', 'old'));
    expect(text(cache.get('k', '10', 0))).toBe('new');
  });

  it('evicts the least recently used entries beyond its size in bytes, and skips bodies larger than it', () => {
    const cache = new AvailabilityCache(10);
    cache.set('a', answer('1', 'aaaa'));
    cache.set('b', answer('1', 'bbbb'));
    expect(text(cache.get('a', '1', 0))).toBe('aaaa'); // a is now the most recent
    cache.set('c', answer('1', 'cccc'));
    expect(cache.get('b', '1', 0)).toBeUndefined();
    expect(text(cache.get('a', '1', 0))).toBe('aaaa');
    expect(text(cache.get('c', '1', 0))).toBe('cccc');
    cache.set('d', answer('1', 'é'.repeat(6))); // 6 characters, 12 bytes
    expect(cache.get('d', '1', 0)).toBeUndefined();
  });
});

describe('availabilityAnswer', () => {
  it('is the UTF-8 body with the weak entity tag Express would give it', () => {
    const json = '{"slots":[{"startsAt":"2027-03-01T12:00:00.000Z","note":"é"}]}';
    const a = availabilityAnswer(json);
    expect(a.body.equals(Buffer.from(json, 'utf8'))).toBe(true);
    const sha1 = createHash('sha1').update(json, 'utf8').digest('base64').substring(0, 27);
    expect(a.etag).toBe(`W/"${Buffer.byteLength(json).toString(16)}-${sha1}"`);
  });

  it('gives different bodies different tags', () => {
    expect(availabilityAnswer('{"slots":[]}').etag).not.toBe(availabilityAnswer('{"slots":[{}]}').etag);
  });
});
