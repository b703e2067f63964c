import { createMailTransport, emailMessageId, sendEmail } from './email-client';
import { visitCalendar } from './visit-calendar';
import { mailAttachment, mailHeader, startSmtpSink } from '../../../test/support/smtp-sink';

describe('email adapter against a real SMTP server on loopback', () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => sink.close());
  beforeEach(() => {
    sink.received.length = 0;
    sink.reject.on = false;
  });

  const ics = visitCalendar({
    appointmentId: 'a1b2',
    version: 2,
    startsAt: new Date('2027-03-02T14:00:00Z'),
    endsAt: new Date('2027-03-02T16:30:00Z'),
    clinicName: 'Riverside Wellness',
    zone: 'America/New_York',
    stamp: new Date('2027-02-01T00:00:00Z'),
  });

  it('delivers from SMTP_FROM with the ledger-derived Message-ID and the .ics attached', async () => {
    const transport = createMailTransport({ smtpUrl: sink.url, from: 'Riverside <hello@riverside.test>' });
    try {
      const id = await sendEmail(transport, {
        to: 'p@x.test',
        subject: 'Your visit',
        body: 'See you',
        idempotencyKey: 'a1b2|reminder|t|2',
        ics,
      });
      expect(id).toBe(emailMessageId('a1b2|reminder|t|2'));
      expect(sink.received).toHaveLength(1);
      const [mail] = sink.received;
      expect(mail.from).toBe('hello@riverside.test');
      expect(mail.to).toEqual(['p@x.test']);
      expect(mailHeader(mail.raw, 'Message-ID')).toBe(id);
      expect(mailHeader(mail.raw, 'Subject')).toBe('Your visit');
      const attached = mailAttachment(mail.raw, 'visit.ics');
      expect(attached?.contentType).toMatch(/^text\/calendar/);
      expect(attached?.content).toContain('DTSTART:20270302T140000Z');
      expect(attached?.content).toContain('DTEND:20270302T163000Z');
    } finally {
      transport.close();
    }
  });

  it('the same key gives the same Message-ID; another key another one', () => {
    expect(emailMessageId('k|1')).toBe(emailMessageId('k|1'));
    expect(emailMessageId('k|1')).not.toBe(emailMessageId('k|2'));
    expect(emailMessageId('k|1')).toMatch(/^<[0-9a-f]{40}@chairtime>$/);
  });

  it('a refused message fails with the reply code only, not the server text (it echoes addresses)', async () => {
    sink.reject.on = true;
    const transport = createMailTransport({ smtpUrl: sink.url, from: 'hello@riverside.test' });
    try {
      const sent = sendEmail(transport, { to: 'p@x.test', subject: 's', body: 'b', idempotencyKey: 'k' });
      await expect(sent).rejects.toThrow('provider permanent: smtp-550');
      await expect(sent).rejects.not.toThrow(/p@x\.test/);
    } finally {
      transport.close();
    }
  });
});
