import { scrubUrl } from './logging';

describe('scrubUrl: link tokens never reach the access log', () => {
  it.each([
    ['/v1/actions/eyJhbGciOi.abc.def', '/v1/actions/[token]'],
    ['/v1/actions/tok/extra?x=1', '/v1/actions/[token]/extra?x=1'],
    ['/a/eyJhbGciOi.abc.def', '/a/[token]'],
    ['/a/tok?lang=es', '/a/[token]?lang=es'],
    ['/portal/invite/tok123', '/portal/invite/[token]'],
  ])('%s → %s', (url, scrubbed) => expect(scrubUrl(url)).toBe(scrubbed));

  it.each(['/board', '/v1/clinics/abc/board?date=2027-03-02', '/assets/index-abc.js', '/admin/queues'])('leaves %s alone', (url) =>
    expect(scrubUrl(url)).toBe(url),
  );
});
