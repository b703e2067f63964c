import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { sendSms, twilioSignature, verifyTwilioSignature } from './sms-client';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('SMS adapter against a local Twilio-shaped server', () => {
  let server: Server;
  let base: string;
  const seen: Recorded[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        res.writeHead(req.url?.includes('ACfail') ? 500 : 201, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ sid: 'SM123' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((r) => server.close(() => r())));

  it('POSTs the form body with basic auth and the idempotency token', async () => {
    const account = { baseUrl: base, accountSid: 'AC1', authToken: 'tok', from: '+15550000' };
    const sid = await sendSms(account, { to: '+15551111', body: 'Riverside: see you Tue 9:00 AM', idempotencyKey: 'k|1' });
    expect(sid).toBe('SM123');
    const r = seen[seen.length - 1];
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/2010-04-01/Accounts/AC1/Messages.json');
    expect(r.headers.authorization).toBe(`Basic ${Buffer.from('AC1:tok').toString('base64')}`);
    expect(r.headers['i-twilio-idempotency-token']).toBe('k|1');
    expect(Object.fromEntries(new URLSearchParams(r.body))).toEqual({
      To: '+15551111',
      From: '+15550000',
      Body: 'Riverside: see you Tue 9:00 AM',
    });
  });

  it('fails without echoing the provider body', async () => {
    const account = { baseUrl: base, accountSid: 'ACfail', authToken: 'tok', from: '+1' };
    await expect(sendSms(account, { to: '+1', body: 'x', idempotencyKey: 'k' })).rejects.toThrow('provider transient: http-500');
  });

  it('verifies X-Twilio-Signature over the URL and sorted params', () => {
    const url = 'https://api.example.test/v1/inbound/sms';
    const params = { From: '+15551111', Body: 'YES', To: '+15550000' };
    const sig = twilioSignature('tok', url, params);
    // Reference computation spelled out: URL + "Body" + "YES" + "From" + ... in name order.
    expect(sig).toBe(createHmac('sha1', 'tok').update(`${url}BodyYESFrom+15551111To+15550000`).digest('base64'));
    expect(verifyTwilioSignature('tok', url, params, sig)).toBe(true);
    expect(verifyTwilioSignature('tok', url, { ...params, Body: 'NO' }, sig)).toBe(false);
    expect(verifyTwilioSignature('tok', url, params, undefined)).toBe(false);
  });
});
